import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { secretsCommand } from '../../src/cli/secrets'
import { UsageError } from '../../src/cli/usage'
import { ConfigError, OperatorError } from '../../src/errors'
import { keyId, SecretKeyError } from '../../src/store/secret-box'
import { readKeyFile, writeKeyFile } from '../../src/store/secret-key'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { FunctionWrite } from '../../src/store/types'

/** The actor of the changes these tests write straight into the store. */
const BY_TEST = { actor: { key_id: null, label: 'test' } }

jest.setTimeout(30_000)

const TOKEN = 'pina_VERYSECRETrotationToken'
const ROOT = path.resolve(__dirname, '../..')

let dir: string
let db: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-rotate-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const fn = (id: string, token: string): FunctionWrite => ({
  id,
  project_id: 1,
  type: 'destination',
  name: id,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: { conversion_token: token },
  mappings: null,
  filters: null,
})

function seed(env: NodeJS.ProcessEnv): void {
  const store = openSqliteStore(db, { env })
  store.projects.create('Shop')
  store.functions.insert(fn('fn-1', TOKEN), BY_TEST)
  store.functions.insert(fn('fn-2', `${TOKEN}-2`), BY_TEST)
  store.close()
}

async function rotate(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await secretsCommand(['rotate-key', '--db', db, ...args], out, env)).toBe(0)
  return Buffer.concat(chunks).toString()
}

const tokens = (keys: Uint8Array[]) => {
  const store = openSqliteStore(db, { secretKeys: keys })
  const found = ['fn-1', 'fn-2'].map((id) => store.functions.get(1, id)?.secrets.conversion_token)
  store.close()
  return found
}

describe('secrets rotate-key', () => {
  it('with the key file: writes a new key file and re-encrypts every secret; the old key opens nothing', async () => {
    seed({})
    const [old] = readKeyFile(`${db}.key`)
    const output = await rotate([], {})
    const [fresh, ...others] = readKeyFile(`${db}.key`)
    expect(others).toEqual([])
    expect(keyId(fresh)).not.toBe(keyId(old))
    expect(output).toBe(`re-encrypted 4 of 4 stored secret value(s) with key ${keyId(fresh)} (was ${keyId(old)})\n  the key file ${db}.key now holds the new key only\n`)
    expect(fs.statSync(`${db}.key`).mode & 0o777).toBe(0o600)
    expect(fs.readdirSync(dir).sort()).toEqual(['db.sqlite', 'db.sqlite.key', 'db.sqlite.lock'])
    expect(tokens([fresh])).toEqual([TOKEN, `${TOKEN}-2`])
    expect(() => tokens([old])).toThrow(SecretKeyError)
    // The default open (the key file) reads them too.
    const store = openSqliteStore(db, { env: {} })
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
  })

  it('finishes a rotation interrupted after the key file got both keys: the next open seals with the new one', () => {
    seed({})
    const [old] = readKeyFile(`${db}.key`)
    const fresh = randomBytes(32)
    writeKeyFile(`${db}.key`, [fresh, old])
    const reports: unknown[] = []
    openSqliteStore(db, { env: {}, onSecrets: (r) => reports.push(r) }).close()
    // Two functions, and the first version of each.
    expect(reports).toEqual([{ sealed: 0, resealed: 4, total: 4 }])
    expect(tokens([fresh])).toEqual([TOKEN, `${TOKEN}-2`])
  })

  it('with PIPELINES_SECRET_KEY: takes the new key from --new-key-env and says to update the environment', async () => {
    const old = randomBytes(32).toString('base64')
    const fresh = randomBytes(32).toString('hex')
    seed({ PIPELINES_SECRET_KEY: old })
    const output = await rotate(['--new-key-env', 'NEW_PIPELINES_KEY'], { PIPELINES_SECRET_KEY: old, NEW_PIPELINES_KEY: fresh })
    expect(output).toMatch(
      /^re-encrypted 4 of 4 stored secret value\(s\) with key [\w-]{8} \(was [\w-]{8}\)\n {2}set PIPELINES_SECRET_KEY to the value of NEW_PIPELINES_KEY wherever the server starts: the old key no longer opens the secrets\n$/,
    )
    expect(output).not.toContain(fresh)
    expect(output).not.toContain(old)
    expect(fs.readdirSync(dir).sort()).toEqual(['db.sqlite', 'db.sqlite.lock'])
    expect(tokens([Buffer.from(fresh, 'hex')])).toEqual([TOKEN, `${TOKEN}-2`])
    expect(() => openSqliteStore(db, { env: { PIPELINES_SECRET_KEY: old } })).toThrow(SecretKeyError)
  })

  it('names what is missing or wrong, never a key', async () => {
    const old = randomBytes(32).toString('base64')
    seed({ PIPELINES_SECRET_KEY: old })
    await expect(secretsCommand(['rotate-key', '--db', db], new PassThrough(), { PIPELINES_SECRET_KEY: old })).rejects.toThrow(
      new ConfigError('--new-key-env', 'PIPELINES_SECRET_KEY is set: put the new key in another variable and name it with --new-key-env NAME'),
    )
    await expect(secretsCommand(['rotate-key', '--db', db, '--new-key-env', 'NEW'], new PassThrough(), { PIPELINES_SECRET_KEY: old, NEW: 'short' })).rejects.toThrow(/^NEW: expected 32 random bytes/)
    await expect(secretsCommand(['rotate-key', '--db', db, '--new-key-env', 'NEW'], new PassThrough(), { PIPELINES_SECRET_KEY: old, NEW: old })).rejects.toThrow(
      new ConfigError('NEW', 'the new key is the key in use'),
    )
    await expect(secretsCommand(['rotate-key', '--db', path.join(dir, 'none.sqlite')], new PassThrough(), {})).rejects.toThrow(
      new OperatorError(`no database at ${path.join(dir, 'none.sqlite')} (give --db FILE or set PIPELINES_DB)`),
    )
    await expect(secretsCommand(['rotate'], new PassThrough(), {})).rejects.toThrow(new UsageError('secrets', 'unknown secrets command; expected one of: rotate-key'))
    // A failed rotation changed nothing.
    expect(tokens([Buffer.from(old, 'base64')])).toEqual([TOKEN, `${TOKEN}-2`])
  })

  it('makes `serve` with a wrong key stop at once with a clear error', () => {
    seed({ PIPELINES_SECRET_KEY: randomBytes(32).toString('base64') })
    const wrong = randomBytes(32).toString('base64')
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--db', db], {
      cwd: ROOT,
      env: { ...process.env, PIPELINES_SECRET_KEY: wrong },
      encoding: 'utf8',
      timeout: 25_000,
    })
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/^error: the secret key does not decrypt the stored secrets: a value was encrypted with key [\w-]{8}, and the key given is [\w-]{8}\n$/)
    expect(result.stdout).toBe('')
  })
})
