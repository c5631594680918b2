/** What `hog_functions/:id/metrics` answers: one value per hour label (ISO, UTC) for each metric. */
export interface MetricsSeries {
  labels: string[]
  series: { name: string; values: number[] }[]
}

const DAY_MS = 86_400_000

/**
 * One total per day for the `days` days that end at `nowMs` (oldest first), of the metrics named
 * `names`; hours outside the window are left out.
 */
export function dailyTotals(metrics: MetricsSeries, names: string[], nowMs: number, days = 7): number[] {
  const totals = new Array<number>(days).fill(0)
  const start = nowMs - days * DAY_MS
  const wanted = metrics.series.filter((s) => names.includes(s.name))
  metrics.labels.forEach((label, i) => {
    const day = Math.floor((Date.parse(label) - start) / DAY_MS)
    if (!(day >= 0 && day < days)) return
    for (const s of wanted) totals[day] += s.values[i] ?? 0
  })
  return totals
}

/** Delivered: Pinterest took the event. Failed: it rejected it for good, or it could not be delivered in time. */
export const DELIVERED = ['succeeded']
export const FAILED = ['failed', 'gave_up']

export interface DestinationCounts {
  delivered: number[]
  failed: number[]
}

export function countsOf(metrics: MetricsSeries, nowMs: number): DestinationCounts {
  return { delivered: dailyTotals(metrics, DELIVERED, nowMs), failed: dailyTotals(metrics, FAILED, nowMs) }
}

export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)

const round = (n: number) => Math.round(n * 10) / 10

/**
 * An SVG path drawing `values` left to right across `width`, the largest at the top (y = 1) and zero at
 * the bottom (y = height - 1), so that a 1px stroke stays inside the box.
 */
export function sparklinePath(values: number[], width: number, height: number): string {
  if (values.length === 0) return ''
  const max = Math.max(...values)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const y = (v: number) => (max > 0 ? round(height - 1 - (v / max) * (height - 2)) : height - 1)
  const points = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${round(i * step)},${y(v)}`)
  return values.length === 1 ? `${points[0]}L${width},${y(values[0])}` : points.join('')
}
