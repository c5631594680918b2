import type { FunctionWrite, Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const BY_TEST = { actor: { key_id: null, label: 'test' } }
const DAY = 86_400_000

const fn = (token: string): FunctionWrite => ({
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name: 'Pinterest',
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: { conversion_token: token },
  mappings: null,
  filters: null,
})

describe.each(STORE_KINDS)('small stores, on %s', (kind) => {
  let opened: TestStore
  let store: Store

  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
    store.projects.create('Shop', 'phc_shop')
  })

  afterEach(() => opened.close())

  it('hold a destination only while it has the refused credentials, and lift the hold when they change', () => {
    store.functions.insert(fn('pina_one'), BY_TEST)
    const hold = { function_id: 'fn-1', project_id: 1, credentials_version: 0, http_status: 401 as const, reason: 'token refused', held_at: 1000 }
    expect(store.holds.hold({ ...hold, credentials_version: 7 })).toBe(false)
    expect(store.holds.hold(hold)).toBe(true)
    // A second refusal keeps the first hold.
    expect(store.holds.hold({ ...hold, held_at: 2000 })).toBe(true)
    expect(store.holds.list()).toEqual([hold])
    store.functions.update(fn('pina_two'), BY_TEST)
    expect(store.holds.get('fn-1')).toBeUndefined()
    expect(store.holds.hold(hold)).toBe(false)
    expect(store.holds.hold({ ...hold, credentials_version: 1 })).toBe(true)
    expect(store.holds.get('fn-1')?.credentials_version).toBe(1)
  })

  it('open a session until it expires or its key is revoked', () => {
    const { record } = store.keys.create(1, ['hog_function:read'], 'page')
    const { id, session } = store.sessions.create(record.id, 1000)
    expect([session.key.id, session.expires_at, session.csrf_token.length > 20]).toEqual([record.id, 1000 + 14 * DAY, true])
    expect(store.sessions.find(id, 2000)?.key.scopes).toEqual(['hog_function:read'])
    expect(store.sessions.find(id, 1000 + 14 * DAY)).toBeUndefined()
    expect(store.sessions.delete(id)).toBe(false)
    const second = store.sessions.create(record.id, 5000)
    store.keys.revoke(record.id)
    expect(store.sessions.find(second.id, 6000)).toBeUndefined()
    expect(() => store.sessions.create(record.id, 7000)).toThrow()
  })

  it('find a project by its token until the token changes, and keep its settings', () => {
    expect(store.projects.byToken('phc_shop')?.id).toBe(1)
    const other = store.projects.create('Other')
    expect([other.id, other.api_token.startsWith('phc_'), store.projects.count()]).toEqual([2, true, 2])
    store.projects.setToken(1, 'phc_new')
    expect(store.projects.byToken('phc_shop')).toBeUndefined()
    expect(store.projects.update(1, { name: 'Renamed', anonymize_ips: true })).toMatchObject({ id: 1, name: 'Renamed', api_token: 'phc_new', anonymize_ips: true })
    expect(store.projects.byToken('phc_new')?.anonymize_ips).toBe(true)
    expect(store.projects.list().map((p) => [p.id, p.name])).toEqual([
      [1, 'Renamed'],
      [2, 'Other'],
    ])
    expect(store.projects.get(3)).toBeUndefined()
  })
})
