/** The alert settings as `GET hog_functions/:id/alerts/` answers them: the webhook URL only as whether one is set. */
export interface AlertSettings {
  webhook_url_set: boolean
  enabled: boolean
  failure_share: { enabled: boolean; percent: number }
  no_deliveries: { enabled: boolean; minutes: number }
  degraded: { enabled: boolean }
  episodes: AlertEpisode[]
}

export type AlertKind = 'failure_share' | 'no_deliveries' | 'degraded'

export interface AlertEpisode {
  id: number
  kind: AlertKind
  state: 'open' | 'cleared'
  opened_at: string
  cleared_at: string | null
  notified_at: string | null
  cleared_notified_at: string | null
  detail: string
}

/** What `POST …/alerts/test/` answers. */
export interface TestAnswer {
  ok: boolean
  status: number | null
  detail: string
}

/**
 * The form's values. Numbers stay text as typed, so the server says what is wrong with them; `webhookUrl` is
 * null while a saved URL is kept (it is never read back), or the new URL typed.
 */
export interface AlertDraft {
  enabled: boolean
  webhookUrl: string | null
  failureEnabled: boolean
  percent: string
  noDeliveriesEnabled: boolean
  minutes: string
  degradedEnabled: boolean
}

export function draftOf(settings: AlertSettings): AlertDraft {
  return {
    enabled: settings.enabled,
    webhookUrl: settings.webhook_url_set ? null : '',
    failureEnabled: settings.failure_share.enabled,
    percent: String(settings.failure_share.percent),
    noDeliveriesEnabled: settings.no_deliveries.enabled,
    minutes: String(settings.no_deliveries.minutes),
    degradedEnabled: settings.degraded.enabled,
  }
}

/** A number as typed, or the text itself when it is none (the server names the field and says why). */
const numberOf = (text: string): number | string => (/^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text)

/** The PUT body: the webhook URL only when a new one was typed. */
export function toPayload(draft: AlertDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    enabled: draft.enabled,
    failure_share: { enabled: draft.failureEnabled, percent: numberOf(draft.percent) },
    no_deliveries: { enabled: draft.noDeliveriesEnabled, minutes: numberOf(draft.minutes) },
    degraded: { enabled: draft.degradedEnabled },
  }
  if (draft.webhookUrl !== null && draft.webhookUrl.trim() !== '') body.webhook_url = draft.webhookUrl.trim()
  return body
}

/** The control each field of the API (`attr`) is entered in. */
export const FIELD_OF_ATTR: Record<string, string> = {
  webhook_url: 'alert-webhook',
  enabled: 'alerts-enabled',
  failure_share__percent: 'alert-failure-percent',
  no_deliveries__minutes: 'alert-no-deliveries-minutes',
}

export const KIND_LABELS: Record<AlertKind, string> = {
  failure_share: 'Failure share',
  no_deliveries: 'No deliveries',
  degraded: 'Degraded',
}

/** An instant to the minute, in UTC, as the History tab shows them. */
export const timeText = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** What happened to an episode, in words: when it opened and cleared, and whether each message went out. */
export function episodeText(episode: AlertEpisode): string {
  const opened = `Opened ${timeText(episode.opened_at)}${episode.notified_at ? '' : ' (message not sent yet)'}`
  if (episode.cleared_at === null) return opened
  return `${opened}; cleared ${timeText(episode.cleared_at)}${episode.notified_at && !episode.cleared_notified_at ? ' (message not sent yet)' : ''}`
}
