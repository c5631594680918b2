import { shutdownSignals } from '../../src/cli/serve'
import { removeAddedSignalListeners } from '../helpers/signal-listeners'

const { added } = removeAddedSignalListeners()

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
    counts.push(added('SIGTERM'), added('SIGINT'))
    await first
    expect(counts).toEqual([1, 1])
  })
})
