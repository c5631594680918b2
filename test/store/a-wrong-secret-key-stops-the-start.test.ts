import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../../src/errors'
import { SecretKeyError } from '../../src/store/secret-box'
import { parseSecretKey } from '../../src/store/secret-key'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { FunctionWrite } from '../../src/store/types'

/** The actor of the changes these tests write straight into the store. */
const BY_TEST = { actor: { key_id: null, label: 'test' } }

const TOKEN = 'pina_VERYSECRETwrongKeyTest'

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-wrong-key-'))
  file = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const fn: FunctionWrite = {
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name: 'Pinterest',
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: { conversion_token: TOKEN },
  mappings: null,
  filters: null,
}

function storeWithSecret(env: NodeJS.ProcessEnv): void {
  const store = openSqliteStore(file, { env })
  store.projects.create('Shop')
  store.functions.insert(fn, BY_TEST)
  store.close()
}

describe('a wrong secret key', () => {
  it('stops the open with a clear error, whichever the source of the key', () => {
    const key = randomBytes(32)
    storeWithSecret({ PIPELINES_SECRET_KEY: key.toString('base64') })
    const other = randomBytes(32).toString('hex')
    let error: unknown
    try {
      openSqliteStore(file, { env: { PIPELINES_SECRET_KEY: other } })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SecretKeyError)
    expect((error as Error).message).toMatch(/^the secret key does not decrypt the stored secrets: a value was encrypted with key [\w-]{8}, and the key given is [\w-]{8}$/)
    expect((error as Error).message).not.toContain(other)
    // Without the variable, the key file made now is another key: the same error, not garbage.
    expect(() => openSqliteStore(file, { env: {} })).toThrow(SecretKeyError)
    expect(fs.statSync(`${file}.key`).mode & 0o777).toBe(0o600)
    // The same key in hex opens it.
    const store = openSqliteStore(file, { env: { PIPELINES_SECRET_KEY: key.toString('hex') } })
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
  })

  it('reads the key file beside the database on every later open', () => {
    storeWithSecret({})
    const keyFile = fs.readFileSync(`${file}.key`, 'utf8')
    expect(keyFile).toMatch(/^[A-Za-z0-9+/]{43}=\n$/)
    const store = openSqliteStore(file, { env: {} })
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
    expect(fs.readFileSync(`${file}.key`, 'utf8')).toBe(keyFile)
  })

  it('rejects a malformed key naming the variable, never the value', () => {
    for (const bad of ['hunter2', 'a'.repeat(63), randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
      expect(() => openSqliteStore(':memory:', { env: { PIPELINES_SECRET_KEY: bad } })).toThrow(
        new ConfigError('PIPELINES_SECRET_KEY', 'expected 32 random bytes in base64 or hex (make one with `openssl rand -base64 32`); the value given is not that'),
      )
    }
    const key = randomBytes(32)
    expect(Buffer.from(parseSecretKey(key.toString('base64url'), 'k'))).toEqual(key)
    expect(Buffer.from(parseSecretKey(` ${key.toString('hex').toUpperCase()}\n`, 'k'))).toEqual(key)
  })
})
