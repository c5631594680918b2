import type { Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const at = (iso: string) => Date.parse(iso)

describe.each(STORE_KINDS)('hourly counts, on %s', (kind) => {
  let opened: TestStore
  let store: Store

  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
  })

  afterEach(() => opened.close())

  it('add the metrics of one hour into one bucket, read from the hour holding `after` up to `before`', () => {
    store.metrics.increment(1, 'fn-1', 'succeeded', 3, at('2026-12-01T10:05:00Z'))
    store.metrics.increment(1, 'fn-1', 'succeeded', 4, at('2026-12-01T10:55:00Z'))
    store.metrics.increment(1, 'fn-1', 'failed', 1, at('2026-12-01T10:30:00Z'))
    store.metrics.increment(1, 'fn-1', 'succeeded', 2, at('2026-12-01T11:00:00Z'))
    store.metrics.increment(1, 'fn-1', 'succeeded', 0, at('2026-12-01T12:00:00Z'))
    store.metrics.increment(1, 'fn-2', 'succeeded', 9, at('2026-12-01T10:00:00Z'))
    expect(store.metrics.series(1, 'fn-1', '2026-12-01T10:40:00.000Z', '2026-12-01T12:00:00.000Z')).toEqual([
      { hour: '2026-12-01T10:00:00.000Z', name: 'failed', count: 1 },
      { hour: '2026-12-01T10:00:00.000Z', name: 'succeeded', count: 7 },
      { hour: '2026-12-01T11:00:00.000Z', name: 'succeeded', count: 2 },
    ])
    expect(store.metrics.series(1, 'fn-1', '2026-12-01T10:00:00.000Z', '2026-12-01T11:00:00.000Z').map((r) => r.count)).toEqual([1, 7])
    expect(store.metrics.series(2, 'fn-1', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')).toEqual([])
  })

  it('sum match quality per function, mapping, keys and skip reason, of a function or the whole project', () => {
    const hour = at('2026-12-01T10:10:00Z')
    store.quality.add(
      1,
      [
        { function_id: 'fn-1', mapping: 'Checkout', keys: 3, skip: '', count: 5 },
        { function_id: 'fn-1', mapping: 'Checkout', keys: 0, skip: 'no_match_keys', count: 2 },
        { function_id: 'fn-2', mapping: 'Lead', keys: 1, skip: '', count: 1 },
        { function_id: 'fn-2', mapping: 'Lead', keys: 1, skip: '', count: 0 },
      ],
      hour,
    )
    store.quality.add(1, [{ function_id: 'fn-1', mapping: 'Checkout', keys: 3, skip: '', count: 4 }], hour + 3_600_000)
    expect(store.quality.sum(1, '2026-12-01T10:30:00.000Z', '2026-12-01T12:00:00.000Z', 'fn-1')).toEqual([
      { function_id: 'fn-1', mapping: 'Checkout', keys: 0, skip: 'no_match_keys', count: 2 },
      { function_id: 'fn-1', mapping: 'Checkout', keys: 3, skip: '', count: 9 },
    ])
    expect(store.quality.sum(1, '2026-12-01T10:00:00.000Z', '2026-12-01T11:00:00.000Z').map((c) => [c.function_id, c.count])).toEqual([
      ['fn-1', 2],
      ['fn-1', 5],
      ['fn-2', 1],
    ])
  })
})
