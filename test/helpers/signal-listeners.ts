/**
 * Signal listeners a test adds to this (shared) jest worker process are removed after each test, so a
 * later test in the same worker never inherits them.
 */
export const SIGNALS = ['SIGINT', 'SIGTERM'] as const
type Signal = (typeof SIGNALS)[number]
type Listeners = NodeJS.SignalsListener[]

export function removeAddedSignalListeners(): { added: (signal: Signal) => number } {
  let before = new Map<Signal, Listeners>()
  beforeEach(() => {
    before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal) as Listeners]))
  })
  afterEach(() => {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.includes(listener as NodeJS.SignalsListener)) process.off(signal, listener as NodeJS.SignalsListener)
      }
    }
  })
  return { added: (signal) => process.listenerCount(signal) - (before.get(signal)?.length ?? 0) }
}
