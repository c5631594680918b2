import fs from 'node:fs'
import { Session } from 'node:inspector'
import path from 'node:path'
import { compileFunction } from '../src/mapping/compile-function'
import { invokeFunction } from '../src/mapping/invoke'
import { orderCompletedBy } from './segment.bench'

/**
 * This project's side of the segment benchmark alone, for a CPU profile of the mapping loop only
 * (compiling and building the events are left out, as in the benchmark's timing):
 *   node dist-bench/bench/profile-mapping.js [events per round] [rounds] [dir]
 *   node dist-bench/bench/cpu-profile-summary.js prof
 */
function post<T>(session: Session, method: string): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))))
}

async function main(): Promise<void> {
  const [perRound, rounds, dir] = [Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 10), process.argv[4] ?? 'prof']
  const fn = await compileFunction({ template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'bench-token' } } })
  const nowMs = Date.parse('2026-11-29T11:00:00.000Z')
  let next = 0
  const round = () => {
    const events = Array.from({ length: perRound }, () => orderCompletedBy(next++))
    return () => {
      for (const event of events) JSON.stringify(invokeFunction(fn, event, { nowMs }))
    }
  }
  round()() // warm-up
  const session = new Session()
  session.connect()
  await post(session, 'Profiler.enable')
  for (let i = 0; i < rounds; i++) {
    const run = round()
    await post(session, 'Profiler.start')
    run()
    const { profile } = await post<{ profile: object }>(session, 'Profiler.stop')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, `round-${i}.cpuprofile`), JSON.stringify(profile))
  }
  session.disconnect()
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exitCode = 1
})
