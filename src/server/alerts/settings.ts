import { z } from 'zod'
import { ConfigError, type ConfigProblem, joinFieldPath, throwProblems } from '../../errors'
import type { AlertEpisode, AlertSettings } from '../../store/types'
import { describeFigures } from './messages'

export const PERCENT_RANGE = { min: 1, max: 100 } as const
/** From 5 minutes (shorter is a retry's backoff, not an outage) to Pinterest's 7-day window. */
export const MINUTES_RANGE = { min: 5, max: 10_080 } as const
const MAX_URL_LENGTH = 2048

/** Alerts of a destination that never saved any: off, with the thresholds a first save starts from. */
export function defaultSettings(functionId: string, projectId: number): Omit<AlertSettings, 'updated_at'> {
  return {
    function_id: functionId,
    project_id: projectId,
    enabled: false,
    webhook_url: null,
    failure_share: { enabled: true, percent: 10 },
    no_deliveries: { enabled: true, minutes: 60 },
    degraded: { enabled: true },
  }
}

/** Only http(s): a webhook is a web address, and other schemes (file:, data:) are not for fetch to follow. */
function isWebUrl(text: string): boolean {
  if (!URL.canParse(text)) return false
  const { protocol, hostname } = new URL(text)
  return (protocol === 'https:' || protocol === 'http:') && hostname !== ''
}

// Messages never quote the value: a webhook URL is a secret.
const webhookUrl = z.string().max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`).refine(isWebUrl, 'must be an http:// or https:// URL')
const whole = (range: { min: number; max: number }, unit: string) =>
  z.int(`must be a whole number of ${unit} from ${range.min} to ${range.max}`).min(range.min, `must be at least ${range.min}`).max(range.max, `must be at most ${range.max}`)

/** A PUT body: every key optional (what is left out stays as saved); `webhook_url: null` removes the webhook. */
const ChangeSchema = z.strictObject({
  webhook_url: webhookUrl.nullable().optional(),
  enabled: z.boolean().optional(),
  failure_share: z.strictObject({ enabled: z.boolean().optional(), percent: whole(PERCENT_RANGE, 'percent').optional() }).optional(),
  no_deliveries: z.strictObject({ enabled: z.boolean().optional(), minutes: whole(MINUTES_RANGE, 'minutes').optional() }).optional(),
  degraded: z.strictObject({ enabled: z.boolean().optional() }).optional(),
})

export type AlertChange = z.infer<typeof ChangeSchema>

/** A key's name is named when it reads as one: a long or odd one may be a token pasted in the wrong place. */
const nameable = (key: PropertyKey) => typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key)

function problemsOf(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys.find(nameable)
      const field = joinFieldPath('', key === undefined ? issue.path : [...issue.path, key]) || 'body'
      return { field, detail: 'is not a setting of alerts' }
    }
    return { field: joinFieldPath('', issue.path) || 'body', detail: issue.message }
  })
}

/** The settings after `body` is applied to `current`; throws ConfigError naming each field that is wrong. */
export function applyChange(current: Omit<AlertSettings, 'updated_at'>, body: unknown): Omit<AlertSettings, 'updated_at'> {
  const parsed = ChangeSchema.safeParse(body)
  if (!parsed.success) throwProblems(problemsOf(parsed.error))
  const change = parsed.data as AlertChange
  const next = {
    ...current,
    enabled: change.enabled ?? current.enabled,
    webhook_url: change.webhook_url === undefined ? current.webhook_url : change.webhook_url,
    failure_share: { ...current.failure_share, ...change.failure_share },
    no_deliveries: { ...current.no_deliveries, ...change.no_deliveries },
    degraded: { ...current.degraded, ...change.degraded },
  }
  if (next.enabled && next.webhook_url === null) throw new ConfigError('webhook_url', 'is needed to turn alerts on')
  return next
}

/** The API shape: the webhook URL only as whether one is set. */
export function presentSettings(settings: Omit<AlertSettings, 'updated_at'>, episodes: AlertEpisode[]): Record<string, unknown> {
  return {
    webhook_url_set: settings.webhook_url !== null,
    enabled: settings.enabled,
    failure_share: settings.failure_share,
    no_deliveries: settings.no_deliveries,
    degraded: settings.degraded,
    episodes: episodes.map(presentEpisode),
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

export function presentEpisode(episode: AlertEpisode): Record<string, unknown> {
  return {
    id: episode.id,
    kind: episode.kind,
    state: episode.cleared_at === null ? 'open' : 'cleared',
    opened_at: iso(episode.opened_at),
    cleared_at: iso(episode.cleared_at),
    notified_at: iso(episode.notified_at),
    cleared_notified_at: iso(episode.cleared_notified_at),
    detail: describeFigures(episode.opened_figures),
  }
}
