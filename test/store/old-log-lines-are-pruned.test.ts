import { openTestStore, STORE_KINDS } from '../helpers/stores'

describe.each(STORE_KINDS)('log pruning, on %s', (kind) => {
  it('deletes the lines older than the cut-off, of every function, and nothing else', async () => {
    const opened = await openTestStore(kind)
    const { store } = opened
    const line = (functionId: string, timestamp: string) => ({ project_id: 1, function_id: functionId, timestamp, level: 'info' as const, message: timestamp, instance_id: null })
    store.logs.add([line('fn-1', '2026-01-01T00:00:00.000Z'), line('fn-2', '2026-05-31T23:59:59.999Z'), line('fn-1', '2026-06-01T00:00:00.000Z'), line('fn-1', '2026-11-29T00:00:00.000Z')])
    expect(store.logs.prune('2026-06-01T00:00:00.000Z')).toBe(2)
    expect(store.logs.prune('2026-06-01T00:00:00.000Z')).toBe(0)
    expect(store.logs.list(1, 'fn-1', { limit: 10 }).map((l) => l.message)).toEqual(['2026-11-29T00:00:00.000Z', '2026-06-01T00:00:00.000Z'])
    expect(store.logs.list(1, 'fn-2', { limit: 10 })).toEqual([])
    await opened.close()
  })
})
