export interface MetricHit {
  projectId: number
  functionId: string
  name: string
}

/** One increment per (function, metric) and batch instead of one per event. */
export function countMetrics(metrics: MetricHit[]) {
  const counts = new Map<string, { projectId: number; functionId: string; name: string; count: number }>()
  for (const m of metrics) {
    const key = `${m.functionId}\u0000${m.name}`
    const entry = counts.get(key)
    if (entry) entry.count += 1
    else counts.set(key, { ...m, count: 1 })
  }
  return [...counts.values()]
}
