import { shutdownSignals } from '../../src/cli/serve'

const SIGNALS = ['SIGINT', 'SIGTERM'] as const
let before: Map<string, Function[]>

beforeEach(() => {
  before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]))
})

afterEach(() => {
  for (const signal of SIGNALS) for (const listener of process.listeners(signal)) if (!before.get(signal)?.includes(listener)) process.off(signal, listener as () => void)
})

describe('shutdownSignals', () => {
  it('resolves with the first signal and hands each later one to `again`', async () => {
    const later: string[] = []
    const first = shutdownSignals((signal) => later.push(signal))
    // As Node does for a real signal, the listeners get its name.
    process.emit('SIGTERM', 'SIGTERM')
    expect(await first).toBe('SIGTERM')
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    expect(later).toEqual(['SIGINT', 'SIGTERM'])
  })

  it('keeps a listener on both signals at every moment after the first, so none meets Node’s exit-at-once default', async () => {
    const counts: number[] = []
    const first = shutdownSignals(() => {})
    // Read the counts right after the first signal's listeners ran, before anything awaits it.
    process.emit('SIGTERM', 'SIGTERM')
    counts.push(process.listenerCount('SIGTERM') - (before.get('SIGTERM')?.length ?? 0), process.listenerCount('SIGINT') - (before.get('SIGINT')?.length ?? 0))
    await first
    expect(counts).toEqual([1, 1])
  })
})
