import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { type FunctionWrite, MAX_VERSIONS } from '../../src/store/types'
import { openTestStore, STORE_KINDS } from '../helpers/stores'

const TOKEN = 'pina_VERYSECRETversionsAtRest'
const BY_CLI = { actor: { key_id: null, label: 'pinterest-capi CLI' } }

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-versions-'))
  file = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const fn = (name: string, token = TOKEN): FunctionWrite => ({
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: { ad_account_id: { value: '549755885175' } },
  secrets: { conversion_token: token },
  mappings: [],
  filters: null,
})

const versionSecrets = (db: Database.Database) =>
  (db.prepare('SELECT secrets FROM hog_function_versions ORDER BY version').all() as { secrets: string }[]).map((r) => JSON.parse(r.secrets).conversion_token as string)

describe('versions in the store', () => {
  it('keep each version’s token sealed at rest, bound to its version, and open it for a revert', () => {
    const keys = [randomBytes(32)]
    const store = openSqliteStore(file, { secretKeys: keys })
    store.projects.create('Shop')
    store.functions.insert(fn('Pinterest'), BY_CLI)
    store.functions.update(fn('Pinterest', `${TOKEN}-2`), BY_CLI)
    const [second, first] = store.functions.versions(1, 'fn-1', { limit: 10, offset: 0 }).results
    expect([first.version, first.actor, second.version]).toEqual([1, { key_id: null, label: 'pinterest-capi CLI' }, 2])
    expect(store.functions.version(1, 'fn-1', first.id)?.state.secrets).toEqual({ conversion_token: TOKEN })
    expect(store.functions.version(1, 'fn-1', second.id)?.state.secrets).toEqual({ conversion_token: `${TOKEN}-2` })
    // Another project does not find them.
    expect(store.functions.version(2, 'fn-1', first.id)).toBeUndefined()
    expect(store.functions.versions(2, 'fn-1', { limit: 10, offset: 0 })).toEqual({ count: 0, results: [] })
    store.close()

    const db = new Database(file)
    const sealed = versionSecrets(db)
    for (const value of sealed) expect(value).toMatch(/^enc:v1:/)
    expect(JSON.stringify(db.prepare('SELECT * FROM hog_function_versions').all())).not.toContain('pina_')
    // A version's sealed value moved into another version does not open there.
    db.prepare('UPDATE hog_function_versions SET secrets = ? WHERE version = 2').run(JSON.stringify({ conversion_token: sealed[0] }))
    db.close()
    expect(() => openSqliteStore(file, { secretKeys: keys })).toThrow('fails authentication (altered, or moved from another row)')
  })

  it('are re-sealed by a key rotation, so a revert still opens them with the new key alone', () => {
    const old = randomBytes(32)
    const fresh = randomBytes(32)
    const store = openSqliteStore(file, { secretKeys: [old] })
    store.projects.create('Shop')
    store.functions.insert(fn('Pinterest'), BY_CLI)
    store.close()
    const reports: unknown[] = []
    openSqliteStore(file, { secretKeys: [fresh, old], onSecrets: (r) => reports.push(r) }).close()
    expect(reports).toEqual([{ sealed: 0, resealed: 2, total: 2 }])
    const rotated = openSqliteStore(file, { secretKeys: [fresh] })
    const [first] = rotated.functions.versions(1, 'fn-1', { limit: 1, offset: 0 }).results
    expect(rotated.functions.version(1, 'fn-1', first.id)?.state.secrets).toEqual({ conversion_token: TOKEN })
    rotated.close()
  })

  it('are written in the change’s transaction: when the version cannot be saved, neither is the change', () => {
    const store = openSqliteStore(file)
    store.projects.create('Shop')
    store.functions.insert(fn('Pinterest'), BY_CLI)
    const other = new Database(file)
    other.exec("CREATE TRIGGER no_versions BEFORE INSERT ON hog_function_versions BEGIN SELECT RAISE(ABORT, 'versions are full'); END")
    other.close()
    expect(() => store.functions.update(fn('Renamed'), BY_CLI)).toThrow('versions are full')
    expect(store.functions.get(1, 'fn-1')?.name).toBe('Pinterest')
    expect(store.functions.versions(1, 'fn-1', { limit: 10, offset: 0 }).count).toBe(1)
    store.close()
  })
})

describe.each(STORE_KINDS)('versions in the store, on %s', (kind) => {
  it(`keep the newest ${MAX_VERSIONS} per function`, async () => {
    const opened = await openTestStore(kind)
    const store = opened.store
    store.projects.create('Shop')
    store.functions.insert(fn('v1'), BY_CLI)
    store.transaction(() => {
      for (let n = 2; n <= MAX_VERSIONS + 3; n++) store.functions.update(fn(`v${n}`), BY_CLI)
    })
    const { count, results } = store.functions.versions(1, 'fn-1', { limit: MAX_VERSIONS + 10, offset: 0 })
    expect(count).toBe(MAX_VERSIONS)
    expect([results[0].version, results[0].name, results.at(-1)?.version]).toEqual([MAX_VERSIONS + 3, `v${MAX_VERSIONS + 3}`, 4])
    await opened.close()
  })
})
