/**
 * Why the builder skips an event, as text for people (logs, test runs) and as a code for counting
 * (match quality): the texts are made here and read back here, so the two cannot drift apart.
 */
export type SkipReason = 'no_identifier' | 'event_time_in_future' | 'event_time_too_old' | 'other'

export const IDENTIFIER_RULE = 'user_data needs em (email), hashed_maids, or both client_ip_address and client_user_agent'

const NO_IDENTIFIER = 'no identifier: '
const IN_THE_FUTURE = ' is in the future (more than 5 minutes after '
const TOO_OLD = ' is older than 7 days; Pinterest only accepts events from the last 7 days'

/** `detail` says what user_data held, e.g. "; found only ph". */
export const noIdentifierReason = (detail: string): string => `${NO_IDENTIFIER}${IDENTIFIER_RULE}${detail}`
export const futureTimeReason = (eventIso: string, nowIso: string): string => `event_time ${eventIso}${IN_THE_FUTURE}${nowIso})`
export const oldTimeReason = (eventIso: string): string => `event_time ${eventIso}${TOO_OLD}`

/** The code of a skip reason made above; `other` for any other text. */
export function skipReasonOf(reason: string): SkipReason {
  if (reason.startsWith(NO_IDENTIFIER)) return 'no_identifier'
  if (reason.startsWith('event_time ') && reason.endsWith(TOO_OLD)) return 'event_time_too_old'
  if (reason.startsWith('event_time ') && reason.includes(IN_THE_FUTURE)) return 'event_time_in_future'
  return 'other'
}
