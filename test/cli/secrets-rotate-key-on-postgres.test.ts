import { randomBytes } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { Client } from 'pg'
import { secretsCommand } from '../../src/cli/secrets'
import { ConfigError, OperatorError } from '../../src/errors'
import { LOCK_KEYS } from '../../src/store/postgres/lock-keys'
import { openPostgresStore } from '../../src/store/postgres/database'
import { keyId, SecretBox, SecretKeyError } from '../../src/store/secret-box'
import { functionPlace, sealSecrets } from '../../src/store/sql/sealed-secrets'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { type ServerProcess, spawnServer, stopServer } from '../helpers/server-process'
import { insertPinterestFunction } from '../helpers/stored-function'

// Server processes under ts-node on a shared machine start slowly: the waits are generous, never the measure.
jest.setTimeout(120_000)

const TOKEN = 'pina_VERYSECRETpostgresRotation'
const OLD = randomBytes(32).toString('base64')
const NEW = randomBytes(32).toString('hex')
const key = (text: string) => Buffer.from(text, /^[0-9a-f]{64}$/.test(text) ? 'hex' : 'base64')

let url: string
const running: ServerProcess[] = []

beforeEach(async () => {
  url = await freshPostgresDatabase()
})

afterEach(async () => {
  for (const server of running.splice(0)) await stopServer(server)
  await dropPostgresDatabase(url)
})

function seed(): void {
  const store = openPostgresStore(url, { secretKeys: [key(OLD)] })
  store.projects.create('Shop')
  insertPinterestFunction(store, { id: 'fn-1', project_id: 1, secrets: { conversion_token: TOKEN } })
  insertPinterestFunction(store, { id: 'fn-2', project_id: 1, secrets: { conversion_token: `${TOKEN}-2` } })
  store.close()
}

const tokens = (keys: Uint8Array[]) => {
  const store = openPostgresStore(url, { secretKeys: keys })
  try {
    return ['fn-1', 'fn-2'].map((id) => store.functions.get(1, id)?.secrets.conversion_token)
  } finally {
    store.close()
  }
}

async function rotate(env: NodeJS.ProcessEnv, args = ['--new-key-env', 'NEW_KEY']): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await secretsCommand(['rotate-key', '--db', url, ...args], out, env)).toBe(0)
  return Buffer.concat(chunks).toString()
}

describe('secrets rotate-key on Postgres', () => {
  it('re-encrypts every stored secret with the key of --new-key-env; the old key opens nothing', async () => {
    seed()
    const output = await rotate({ PIPELINES_SECRET_KEY: OLD, NEW_KEY: NEW })
    expect(output).toBe(
      `re-encrypted 4 of 4 stored secret value(s) with key ${keyId(key(NEW))} (was ${keyId(key(OLD))})\n` +
        `  set PIPELINES_SECRET_KEY to the value of NEW_KEY in every process that uses ${url}: the old key no longer opens the secrets\n`,
    )
    expect(output).not.toContain(NEW)
    expect(output).not.toContain(OLD)
    expect(tokens([key(NEW)])).toEqual([TOKEN, `${TOKEN}-2`])
    expect(() => tokens([key(OLD)])).toThrow(SecretKeyError)
  })

  it('needs PIPELINES_SECRET_KEY and --new-key-env, and a new key that is not the one in use', async () => {
    seed()
    await expect(secretsCommand(['rotate-key', '--db', url, '--new-key-env', 'NEW_KEY'], new PassThrough(), { NEW_KEY: NEW })).rejects.toThrow(/^a Postgres database needs PIPELINES_SECRET_KEY/)
    await expect(secretsCommand(['rotate-key', '--db', url], new PassThrough(), { PIPELINES_SECRET_KEY: OLD })).rejects.toThrow(
      new ConfigError('--new-key-env', 'on Postgres every process takes the key from PIPELINES_SECRET_KEY: put the new key in another variable and name it with --new-key-env NAME'),
    )
    await expect(secretsCommand(['rotate-key', '--db', url, '--new-key-env', 'NEW_KEY'], new PassThrough(), { PIPELINES_SECRET_KEY: OLD, NEW_KEY: OLD })).rejects.toThrow(
      new ConfigError('NEW_KEY', 'the new key is the key in use'),
    )
    // A wrong current key opens nothing, so nothing changes.
    const wrong = randomBytes(32).toString('base64')
    await expect(secretsCommand(['rotate-key', '--db', url, '--new-key-env', 'NEW_KEY'], new PassThrough(), { PIPELINES_SECRET_KEY: wrong, NEW_KEY: NEW })).rejects.toThrow(SecretKeyError)
    expect(tokens([key(OLD)])).toEqual([TOKEN, `${TOKEN}-2`])
  })

  it('names a database it cannot reach without its password', async () => {
    const unreachable = 'postgres://admin:hunter2secret@127.0.0.1:1/none'
    const error = await secretsCommand(['rotate-key', '--db', unreachable, '--new-key-env', 'NEW_KEY'], new PassThrough(), { PIPELINES_SECRET_KEY: OLD, NEW_KEY: NEW }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperatorError)
    expect((error as Error).message).toMatch(/^cannot reach the Postgres database at postgres:\/\/admin:\*\*\*@127\.0\.0\.1:1\/none: /)
    expect((error as Error).message).not.toContain('hunter2secret')
  })

  it('refuses while a server uses the database, changing nothing; once it has stopped, the rotation goes', async () => {
    seed()
    const server = await spawnServer(['--db', url, '--api-url', 'http://127.0.0.1:9'], { PIPELINES_SECRET_KEY: OLD })
    running.push(server)
    const error = await secretsCommand(['rotate-key', '--db', url, '--new-key-env', 'NEW_KEY'], new PassThrough(), { PIPELINES_SECRET_KEY: OLD, NEW_KEY: NEW }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperatorError)
    expect((error as Error).message).toMatch(/^the database is in use \(pinterest-capi all(, [a-z -]+)*\): stop every server process first, since a running server keeps the old key$/)
    expect(tokens([key(OLD)])).toEqual([TOKEN, `${TOKEN}-2`])

    expect(await stopServer(running.pop() as ServerProcess)).toMatchObject({ exit: 0 })
    expect(await rotate({ PIPELINES_SECRET_KEY: OLD, NEW_KEY: NEW })).toMatch(/^re-encrypted 4 of 4 stored secret value\(s\)/)
    expect(tokens([key(NEW)])).toEqual([TOKEN, `${TOKEN}-2`])
  })

  it('a server that starts during a rotation waits for it, then stops on the old key with a clear error', async () => {
    seed()
    // A rotation under way: the lock taken and the values sealed anew, not yet committed.
    const rotation = new Client({ connectionString: url })
    await rotation.connect()
    try {
      await rotation.query('BEGIN')
      await rotation.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEYS.secretKeys])
      const box = new SecretBox([key(NEW)])
      for (const id of ['fn-1', 'fn-2']) {
        await rotation.query('UPDATE hog_functions SET secrets = $1 WHERE id = $2', [sealSecrets(box, functionPlace(id), { conversion_token: TOKEN }), id])
      }
      let settled: string | undefined
      const outcome = spawnServer(['--db', url, '--api-url', 'http://127.0.0.1:9'], { PIPELINES_SECRET_KEY: OLD }).then(
        (server) => {
          running.push(server)
          return 'listening'
        },
        (error: Error) => error.message,
      )
      void outcome.then((said) => (settled = said))
      // The start waits at the lock (it would read the old values and start, were it not for the lock).
      const waiting = async () => (await rotation.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n === 1
      await waitUntil(async () => settled !== undefined || (await waiting()))
      expect(settled).toBeUndefined()
      await rotation.query('COMMIT')
      expect(await outcome).toMatch(
        /^server exited \(2\) before listening: error: the secret key does not decrypt the stored secrets: a value was encrypted with key [\w-]{8}, and the key given is [\w-]{8}\n$/,
      )
    } finally {
      await rotation.end()
    }
  })
})

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('condition not met within 60 s')
}
