import { compileFunction } from '../src/mapping/compile-function'
import { invokeFunction } from '../src/mapping/invoke'
import { orderCompletedBy } from './segment.bench'

/**
 * This project's side of the segment benchmark alone, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=prof dist-bench/bench/profile-mapping.js [events per round] [rounds]
 *   node dist-bench/bench/cpu-profile-summary.js prof
 */
async function main(): Promise<void> {
  const [perRound, rounds] = [Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 10)]
  const fn = await compileFunction({ template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'bench-token' } } })
  const nowMs = Date.parse('2026-11-29T11:00:00.000Z')
  let next = 0
  for (let round = 0; round < rounds; round++) {
    const events = Array.from({ length: perRound }, () => orderCompletedBy(next++))
    for (const event of events) JSON.stringify(invokeFunction(fn, event, { nowMs }))
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exitCode = 1
})
