import type { Writable } from 'node:stream'
import type { InputPosition } from './json-lines'

export interface Counts {
  read: number
  mapped: number
  skipped: number
  mappingErrors: number
  delivered: number
  failed: number
  gaveUp: number
}

export const emptyCounts = (): Counts => ({ read: 0, mapped: 0, skipped: 0, mappingErrors: 0, delivered: 0, failed: 0, gaveUp: 0 })

export interface ProgressState {
  counts: Counts
  input: InputPosition
  elapsedMs: number
}

const BAR_WIDTH = 20

/**
 * The progress line: how much of the input is read (a bar, a percentage and the time left when its size is
 * known, counts alone for a pipe), then what became of the events read so far.
 */
export function renderProgress({ counts: c, input, elapsedMs }: ProgressState): string {
  const settled = c.delivered + c.failed + c.gaveUp
  const outcome = `lines ${c.read}  delivered ${c.delivered}  failed ${c.failed + c.gaveUp}  waiting ${c.mapped - settled}`
  const { bytesRead, totalBytes } = input
  if (totalBytes === undefined) {
    const rate = elapsedMs > 0 ? Math.round((c.read * 1000) / elapsedMs) : 0
    return `${formatBytes(bytesRead)} read  ${rate} lines/s  ${outcome}`
  }
  const share = totalBytes === 0 ? 1 : Math.min(1, bytesRead / totalBytes)
  const filled = Math.floor(share * BAR_WIDTH)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`
  return `${bar} ${Math.floor(share * 100)}%  ${formatBytes(bytesRead)} of ${formatBytes(totalBytes)}  ${timeLeft(share, elapsedMs)}  ${outcome}`
}

/** Reading goes as fast as deliveries let it, so the rate so far predicts the rest. */
function timeLeft(share: number, elapsedMs: number): string {
  if (share >= 1) return 'input read'
  if (share === 0 || elapsedMs === 0) return 'time left unknown'
  return `${formatDuration((elapsedMs * (1 - share)) / share)} left`
}

export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** A one-line progress display, redrawn in place on a terminal and silent elsewhere. */
export class Progress {
  private timer?: NodeJS.Timeout
  private readonly started = Date.now()

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly counts: Counts,
    private readonly input: InputPosition,
  ) {
    if (out.isTTY) this.timer = setInterval(() => this.draw(), 100)
  }

  stop(): void {
    if (!this.timer) return
    clearInterval(this.timer)
    this.draw()
    this.out.write('\n')
  }

  private draw(): void {
    // Clear to the end of the line: a redrawn line can be shorter than the one before.
    this.out.write(`\r${renderProgress({ counts: this.counts, input: this.input, elapsedMs: Date.now() - this.started })}\x1b[K`)
  }
}
