import type { Writable } from 'node:stream'

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

/** A one-line progress display, redrawn in place on a terminal and silent elsewhere. */
export class Progress {
  private timer?: NodeJS.Timeout
  private readonly started = Date.now()

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly counts: Counts,
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
    const c = this.counts
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000)
    const done = c.delivered + c.failed + c.gaveUp
    const width = 20
    const filled = c.mapped === 0 ? 0 : Math.round((done / c.mapped) * width)
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
    const rate = Math.round(done / seconds)
    this.out.write(`\r${bar} mapped ${c.mapped}  delivered ${c.delivered}  failed ${c.failed + c.gaveUp}  ${rate} events/s `)
  }
}
