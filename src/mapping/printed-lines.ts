/** What one line of input came to, as `pinterest-capi map` prints it. */
export type LineOutcome =
  | { mapping: string; status: 'event'; eventId: string; eventJson: string; warnings: string[] }
  | { mapping: string | null; status: 'skipped' | 'error' | 'filtered'; reason: string }

export type OutcomeCounts = Record<LineOutcome['status'], number>

export const noOutcomes = (): OutcomeCounts => ({ event: 0, skipped: 0, error: 0, filtered: 0 })

/** One JSON line: the input's line number, then the result's fields (an event's JSON as it was serialised). */
export function printedLine(line: number, outcome: LineOutcome): string {
  if (outcome.status !== 'event') return `${JSON.stringify({ line, mapping: outcome.mapping, status: outcome.status, reason: outcome.reason })}\n`
  return `{"line":${line},"mapping":${JSON.stringify(outcome.mapping)},"status":"event","event":${outcome.eventJson},"warnings":${JSON.stringify(outcome.warnings)}}\n`
}
