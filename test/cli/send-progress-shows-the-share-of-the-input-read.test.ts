import { formatBytes, formatDuration, renderProgress } from '../../src/cli/progress'
import { emptyCounts } from '../../src/cli/progress'

const counts = { ...emptyCounts(), read: 4000, mapped: 3900, skipped: 100, delivered: 3000, failed: 5, gaveUp: 1 }

describe('the send progress line', () => {
  it('shows a bar, the percentage of the file read and the time left', () => {
    // A quarter of 4 MB read in 10 s: 30 s to go.
    expect(renderProgress({ counts, input: { bytesRead: 1024 * 1024, totalBytes: 4 * 1024 * 1024 }, elapsedMs: 10_000 })).toBe(
      '[#####...............] 25%  1.0 MB of 4.0 MB  30s left  lines 4000  delivered 3000  failed 6  waiting 894',
    )
  })

  it('says when the whole input is read and deliveries are still waiting', () => {
    expect(renderProgress({ counts, input: { bytesRead: 5000, totalBytes: 5000 }, elapsedMs: 3000 })).toBe(
      '[####################] 100%  4.9 KB of 4.9 KB  input read  lines 4000  delivered 3000  failed 6  waiting 894',
    )
  })

  it('has no time left before anything is read', () => {
    expect(renderProgress({ counts: emptyCounts(), input: { bytesRead: 0, totalBytes: 2048 }, elapsedMs: 0 })).toBe(
      '[....................] 0%  0 B of 2.0 KB  time left unknown  lines 0  delivered 0  failed 0  waiting 0',
    )
  })

  it('shows counts and a rate, without a percentage, for input of unknown size', () => {
    expect(renderProgress({ counts, input: { bytesRead: 3 * 1024 * 1024 + 300 * 1024 }, elapsedMs: 2000 })).toBe('3.3 MB read  2000 lines/s  lines 4000  delivered 3000  failed 6  waiting 894')
  })

  it('writes durations and sizes for people', () => {
    expect([formatDuration(400), formatDuration(59_500), formatDuration(61_000), formatDuration(3_725_000)]).toEqual(['1s', '1m 00s', '1m 01s', '1h 02m'])
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(5 * 1024 ** 3)]).toEqual(['0 B', '1023 B', '1.5 KB', '5.0 GB'])
  })
})
