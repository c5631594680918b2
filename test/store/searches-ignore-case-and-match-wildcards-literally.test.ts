import type { FunctionWrite, LogEntry, Store } from '../../src/store/types'
import { applyPersons, capturedEvent } from '../helpers/persons'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const BY_TEST = { actor: { key_id: null, label: 'test' } }

const fn = (id: string, name: string, description = ''): FunctionWrite => ({
  id,
  project_id: 1,
  type: 'destination',
  name,
  description,
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: {},
  mappings: null,
  filters: null,
})

const line = (message: string, extra: Partial<LogEntry> = {}): LogEntry => ({
  project_id: 1,
  function_id: 'fn-1',
  timestamp: '2026-12-01T10:00:00.000Z',
  level: 'info',
  message,
  instance_id: null,
  ...extra,
})

describe.each(STORE_KINDS)('searches, on %s', (kind) => {
  let opened: TestStore
  let store: Store

  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
    store.projects.create('Shop')
  })

  afterEach(() => opened.close())

  it('find log lines by part of the message in any case, taking % _ and \\ as themselves', () => {
    store.logs.add([
      line('Sent 2 events to Pinterest', { timestamp: '2026-12-01T10:00:01.000Z' }),
      line('100% of the batch rejected', { timestamp: '2026-12-01T10:00:02.000Z' }),
      line('field ad_account_id missing', { timestamp: '2026-12-01T10:00:03.000Z' }),
      line('path C:\\temp', { timestamp: '2026-12-01T10:00:04.000Z' }),
      line('Sent 1 event to PINTEREST', { timestamp: '2026-12-01T10:00:05.000Z', function_id: 'fn-2' }),
    ])
    const messages = (search: string) => store.logs.list(1, 'fn-1', { search, limit: 10 }).map((l) => l.message)
    expect(messages('pinterest')).toEqual(['Sent 2 events to Pinterest'])
    expect(messages('SENT 2')).toEqual(['Sent 2 events to Pinterest'])
    expect(messages('100%')).toEqual(['100% of the batch rejected'])
    expect(messages('%')).toEqual(['100% of the batch rejected'])
    expect(messages('d_a')).toEqual(['field ad_account_id missing'])
    expect(messages('_')).toEqual(['field ad_account_id missing'])
    expect(messages('C:\\t')).toEqual(['path C:\\temp'])
    expect(messages('nothing like it')).toEqual([])
  })

  it("find an event's lines by its uuid, and a person's lines by any of its distinct ids", () => {
    applyPersons(store, 1, [capturedEvent('e1', '$pageview', 'anon-1'), capturedEvent('e2', '$identify', 'user-1', { $anon_distinct_id: 'anon-1' })])
    store.logs.add([
      line('mapped', { instance_id: 'uuid-1', distinct_id: 'anon-1', timestamp: '2026-12-01T10:00:01.000Z' }),
      line('sent', { instance_id: 'uuid-2', distinct_id: 'user-1', timestamp: '2026-12-01T10:00:02.000Z' }),
      line('sent', { instance_id: 'uuid-3', distinct_id: 'stranger', timestamp: '2026-12-01T10:00:03.000Z' }),
    ])
    const ids = (search: string) => store.logs.list(1, 'fn-1', { search, limit: 10 }).map((l) => l.instance_id)
    expect(ids('uuid-2')).toEqual(['uuid-2'])
    expect(ids('user-1')).toEqual(['uuid-2', 'uuid-1'])
    expect(ids('anon-1')).toEqual(['uuid-2', 'uuid-1'])
    expect(ids('stranger')).toEqual(['uuid-3'])
    expect(store.logs.list(1, 'fn-1', { level: ['error'], limit: 10 })).toEqual([])
    expect(store.logs.list(1, 'fn-1', { after: '2026-12-01T10:00:01.000Z', before: '2026-12-01T10:00:03.000Z', limit: 10 }).map((l) => l.instance_id)).toEqual(['uuid-2'])
  })

  it('find functions by part of the name or description in any case, a % in the search matching only a %', () => {
    store.functions.insert(fn('fn-1', 'Pinterest EU'), BY_TEST)
    store.functions.insert(fn('fn-2', 'pinterest us', 'Checkout events'), BY_TEST)
    store.functions.insert(fn('fn-3', 'Other 50%'), BY_TEST)
    const found = (search: string) => {
      const { count, results } = store.functions.list(1, { search, limit: 10, offset: 0 })
      return [count, results.map((f) => f.id).sort()]
    }
    expect(found('PINTEREST')).toEqual([2, ['fn-1', 'fn-2']])
    expect(found('checkout')).toEqual([1, ['fn-2']])
    expect(found('%')).toEqual([1, ['fn-3']])
    expect(found('0%')).toEqual([1, ['fn-3']])
    expect(found('st_e')).toEqual([0, []])
  })
})
