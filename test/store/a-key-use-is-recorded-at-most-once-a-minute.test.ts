import { LAST_USED_INTERVAL_MS } from '../../src/store/sql/keys'
import type { Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

describe.each(STORE_KINDS)('a key last use, on %s', (kind) => {
  let opened: TestStore
  let store: Store

  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
    store.projects.create('Shop')
  })

  afterEach(() => opened.close())

  const lastUsed = (id: string) => store.keys.get(id)?.last_used_at

  it('is null until the key is used, then written at most once a minute per key', () => {
    const { record: a } = store.keys.create(1, ['hog_function:read'], 'a')
    const { record: b } = store.keys.create(1, ['hog_function:read'], 'b')
    expect(lastUsed(a.id)).toBeNull()
    const t0 = Date.parse('2026-12-01T10:00:00.000Z')
    store.keys.recordUse(a.id, t0)
    expect(lastUsed(a.id)).toBe('2026-12-01T10:00:00.000Z')
    // Uses within the minute cost no write.
    store.keys.recordUse(a.id, t0 + 30_000)
    store.keys.recordUse(a.id, t0 + LAST_USED_INTERVAL_MS - 1)
    expect(lastUsed(a.id)).toBe('2026-12-01T10:00:00.000Z')
    // Another key is throttled on its own.
    store.keys.recordUse(b.id, t0 + 30_000)
    expect(lastUsed(b.id)).toBe('2026-12-01T10:00:30.000Z')
    store.keys.recordUse(a.id, t0 + LAST_USED_INTERVAL_MS)
    expect(lastUsed(a.id)).toBe('2026-12-01T10:01:00.000Z')
  })

  it('revoking deletes the key: it is found neither by id nor by key', () => {
    const { key, record } = store.keys.create(1, ['hog_function:read'], 'a')
    expect(store.keys.revoke(record.id)).toBe(true)
    expect(store.keys.get(record.id)).toBeUndefined()
    expect(store.keys.find(key)).toBeUndefined()
    expect(store.keys.revoke(record.id)).toBe(false)
  })
})
