/** What `hog_functions/:id/metrics` answers: one value per hour label (ISO, UTC) for each metric. */
export interface MetricsSeries {
  labels: string[]
  series: { name: string; values: number[] }[]
}

const DAY_MS = 86_400_000

/**
 * The sum of the metrics named `names` in each bucket: `starts` are the buckets' starts (ascending), the
 * last bucket ends at `endMs`; hours outside them are left out.
 */
export function bucketTotals(metrics: MetricsSeries, names: readonly string[], starts: number[], endMs: number): number[] {
  const totals = starts.map(() => 0)
  const wanted = metrics.series.filter((s) => names.includes(s.name))
  metrics.labels.forEach((label, i) => {
    const at = Date.parse(label)
    if (!(at >= starts[0] && at < endMs)) return
    let bucket = starts.length - 1
    while (starts[bucket] > at) bucket--
    for (const s of wanted) totals[bucket] += s.values[i] ?? 0
  })
  return totals
}

/**
 * One total per day for the `days` days that end at `nowMs` (oldest first), of the metrics named
 * `names`; hours outside the window are left out.
 */
export function dailyTotals(metrics: MetricsSeries, names: readonly string[], nowMs: number, days = 7): number[] {
  const starts = Array.from({ length: days }, (_, i) => nowMs - (days - i) * DAY_MS)
  return bucketTotals(metrics, names, starts, nowMs)
}

/** Delivered: Pinterest took the event. Failed: it rejected it for good, or it could not be delivered in time. */
export const DELIVERED = ['succeeded']
export const FAILED = ['failed', 'gave_up']

/** What the Metrics tab shows, each a sum of the server's metrics. */
export const METRIC_GROUPS = [
  { key: 'delivered', label: 'Delivered', names: DELIVERED, help: 'Pinterest took the event.' },
  { key: 'failed', label: 'Failed', names: FAILED, help: 'Pinterest rejected the event, or it could not be delivered in time.' },
  { key: 'skipped', label: 'Skipped', names: ['skipped'], help: 'A mapping took the event but left it out; Logs says why.' },
  { key: 'filtered', label: 'Filtered', names: ['filtered'], help: 'No mapping or filter took the event.' },
] as const
export type MetricGroupKey = (typeof METRIC_GROUPS)[number]['key']

/** The groups' figures from `metrics/totals`' answer (`{totals: {name: count}}`). */
export function groupTotals(totals: Record<string, number>): Record<MetricGroupKey, number> {
  const sumOf = (names: readonly string[]) => names.reduce((total, name) => total + (totals[name] ?? 0), 0)
  return Object.fromEntries(METRIC_GROUPS.map((g) => [g.key, sumOf(g.names)])) as Record<MetricGroupKey, number>
}

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
