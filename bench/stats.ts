export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Runs `fn` `count` times per round and returns the per-round throughput (operations per second). */
export function measureRounds(fn: () => void, count: number, rounds: number): number[] {
  const rates: number[] = []
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < count; i++) fn()
    const seconds = Number(process.hrtime.bigint() - start) / 1e9
    rates.push(count / seconds)
  }
  return rates
}
