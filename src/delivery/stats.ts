const BATCH_SIZE_BUCKETS = [1, 10, 100, 500, 1000] as const

/** Counters of one dispatcher, as plain numbers so they serialise as they are. */
export interface DeliveryStats {
  events_delivered: number
  events_failed: number
  events_gave_up: number
  events_retried: number
  events_skipped: number
  requests: number
  batches: number
  /** Batches by size: key "≤N" counts batches of at most N events (and more than the previous key). */
  batch_sizes: Record<string, number>
}

export function emptyStats(): DeliveryStats {
  return {
    events_delivered: 0,
    events_failed: 0,
    events_gave_up: 0,
    events_retried: 0,
    events_skipped: 0,
    requests: 0,
    batches: 0,
    batch_sizes: Object.fromEntries(BATCH_SIZE_BUCKETS.map((n) => [`≤${n}`, 0])),
  }
}

export function countBatch(stats: DeliveryStats, size: number): void {
  stats.batches += 1
  const bucket = BATCH_SIZE_BUCKETS.find((n) => size <= n) ?? BATCH_SIZE_BUCKETS[BATCH_SIZE_BUCKETS.length - 1]
  stats.batch_sizes[`≤${bucket}`] += 1
}
