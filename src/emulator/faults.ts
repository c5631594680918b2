import { z } from 'zod'
import { createPrng } from './prng'

const share = z.number().min(0).max(1)

export const FaultsSchema = z.strictObject({
  rate_limit_share: share.default(0),
  retry_after_seconds: z.int().min(0).max(86_400).default(1),
  unavailable_share: share.default(0),
  latency_ms: z.number().min(0).max(600_000).default(0),
  hang_share: share.default(0),
  fail_event_ids: z.array(z.string()).default([]),
  fail_event_share: share.default(0),
  next_statuses: z.array(z.int().min(200).max(599)).default([]),
})

/** What callers pass: every field optional. */
export type Faults = z.input<typeof FaultsSchema>
/** What the emulator holds: defaults filled in; `next_statuses` shrinks as requests consume it. */
export type ActiveFaults = z.output<typeof FaultsSchema>

export type FaultDecision = { kind: 'forced'; status: number } | { kind: 'hang' } | { kind: 'rate_limit' } | { kind: 'unavailable' } | { kind: 'none' }

export class FaultsError extends Error {}

/** Parses faults, naming the offending field in the error (e.g. `rate_limit_share: Too big: ...`). */
export function parseFaults(input: unknown): ActiveFaults {
  const result = FaultsSchema.safeParse(input ?? {})
  if (result.success) return result.data
  const issues = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'faults'}: ${i.message}`)
  throw new FaultsError(issues.join('; '))
}

export class FaultState {
  private active: ActiveFaults
  private failIds: Set<string>
  private readonly random: () => number

  constructor(faults: Faults | undefined, seed: number) {
    this.active = parseFaults(faults)
    this.failIds = new Set(this.active.fail_event_ids)
    this.random = createPrng(seed)
  }

  set(faults: unknown): ActiveFaults {
    this.active = parseFaults(faults)
    this.failIds = new Set(this.active.fail_event_ids)
    return this.current()
  }

  current(): ActiveFaults {
    return structuredClone(this.active)
  }

  get latencyMs(): number {
    return this.active.latency_ms
  }

  get retryAfterSeconds(): number {
    return this.active.retry_after_seconds
  }

  /** One decision per request; a forced status is consumed before any random share is drawn. */
  decideRequest(): FaultDecision {
    const forced = this.active.next_statuses.shift()
    if (forced !== undefined) return { kind: 'forced', status: forced }
    if (this.chance(this.active.hang_share)) return { kind: 'hang' }
    if (this.chance(this.active.rate_limit_share)) return { kind: 'rate_limit' }
    if (this.chance(this.active.unavailable_share)) return { kind: 'unavailable' }
    return { kind: 'none' }
  }

  failsEvent(eventId: string): boolean {
    return this.failIds.has(eventId) || this.chance(this.active.fail_event_share)
  }

  // No draw for a zero share: a seed then reproduces the same pattern whatever faults are left at zero.
  private chance(p: number): boolean {
    return p > 0 && this.random() < p
  }
}
