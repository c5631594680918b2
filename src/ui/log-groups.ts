/** One line of `hog_functions/:id/logs` (PostHog's shape); `instance_id` is the event the line is about. */
export interface LogLine {
  timestamp: string
  level: LogLevel
  message: string
  instance_id: string | null
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The lines of one event (or a single line about no event), newest first. */
export interface LogGroup {
  key: string
  instanceId: string | null
  /** The newest line's time. */
  timestamp: string
  /** The most severe level of its lines. */
  level: LogLevel
  /** The message of its most severe line (the newest of those). */
  summary: string
  lines: LogLine[]
}

const severity = (level: LogLevel) => LOG_LEVELS.indexOf(level)
const identity = (line: LogLine) => `${line.timestamp}\n${line.level}\n${line.instance_id ?? ''}\n${line.message}`

/** Lines sorted newest first; equal times keep their order. */
const newestFirst = (lines: LogLine[]) => [...lines].sort((a, b) => (a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0))

/**
 * `known` and `incoming` as one list, newest first, each line once: pages are asked for with a
 * millisecond of overlap (several lines share a time), so a line may come back twice.
 */
export function mergeLines(known: LogLine[], incoming: LogLine[]): LogLine[] {
  const seen = new Set(known.map(identity))
  const added = incoming.filter((line) => {
    const id = identity(line)
    if (seen.has(id)) return false
    seen.add(id)
    return true
  })
  return added.length === 0 ? known : newestFirst([...known, ...added])
}

/** The lines of `incoming` that `known` does not hold. */
export function unseenLines(known: LogLine[], incoming: LogLine[]): LogLine[] {
  const seen = new Set(known.map(identity))
  return incoming.filter((line) => !seen.has(identity(line)))
}

const single = (line: LogLine): LogGroup => ({
  key: `line ${identity(line)}`,
  instanceId: line.instance_id,
  timestamp: line.timestamp,
  level: line.level,
  summary: line.message,
  lines: [line],
})

/**
 * Lines grouped by the event they are about (or, with `byEvent` off, one group per line), the groups
 * ordered by their newest line.
 */
export function groupLines(lines: LogLine[], byEvent = true): LogGroup[] {
  if (!byEvent) return newestFirst(lines).map(single)
  const groups: LogGroup[] = []
  const byInstance = new Map<string, LogGroup>()
  for (const line of newestFirst(lines)) {
    const existing = line.instance_id === null ? undefined : byInstance.get(line.instance_id)
    if (existing) {
      existing.lines.push(line)
      if (severity(line.level) > severity(existing.level)) {
        existing.level = line.level
        existing.summary = line.message
      }
      continue
    }
    const group = single(line)
    if (line.instance_id !== null) {
      group.key = `event ${line.instance_id}`
      byInstance.set(line.instance_id, group)
    }
    groups.push(group)
  }
  return groups
}

/** One millisecond later (or earlier) than an ISO instant: the overlap of the next page's bound. */
export function shiftIso(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString()
}

/**
 * How many lines to ask for below the oldest one held, from a millisecond after it: all the lines held at
 * that same time come back again, so the page is grown by them (many lines of one request share a time),
 * up to the server's `max`.
 */
export function olderPageLimit(lines: LogLine[], page: number, max: number): number {
  const oldest = lines[lines.length - 1]
  if (!oldest) return page
  const sameTime = lines.filter((line) => line.timestamp === oldest.timestamp).length
  return Math.min(max, sameTime + page)
}
