import { redact, Secret } from '../../secret'
import type { AlertFigures, AlertKind } from '../../store/types'
import { countOf } from '../function-status'

/** The body a Slack incoming webhook (and the many services that copy it) takes. */
export interface WebhookBody {
  text: string
}

/** Who the message is about; `secrets` are values that must never reach the webhook, whatever the names hold. */
export interface Subject {
  projectName: string
  functionId: string
  functionName: string
  secrets: string[]
}

/** Where in the page each condition is looked into: the failures' log lines, the deliveries' chart, the token to replace. */
const TAB: Record<AlertKind, string> = { failure_share: 'logs', no_deliveries: 'metrics', degraded: 'configuration' }

/** A tab of the destination's screen, as a path of the page's hash routes (the server does not know its public address). */
export const tabPath = (functionId: string, tab: string) => `/#/destinations/${encodeURIComponent(functionId)}${tab === 'configuration' ? '' : `/${tab}`}`

/** Slack reads <, > and & as markup: names are shown as written, not as links or mentions. */
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

const percentText = (percent: number) => `${Math.round(percent * 10) / 10}%`

/** The figures of a condition in words, as its messages and the page say them. */
export function describeFigures(figures: AlertFigures): string {
  switch (figures.kind) {
    case 'failure_share':
      return `${figures.failed.toLocaleString('en-US')} of ${plural(figures.total, 'event', 'events')} failed in the last hour (${percentText(figures.percent)}; the threshold is ${figures.threshold}%)`
    case 'no_deliveries':
      return `no event delivered for ${plural(figures.quiet_minutes, 'minute', 'minutes')} while ${countOf(figures.waiting, 'delivery waits', 'deliveries wait')} (the threshold is ${plural(figures.threshold, 'minute', 'minutes')})`
    case 'degraded':
      return figures.reason ?? 'degraded'
  }
}

const OPENED: Record<AlertKind, string> = {
  failure_share: 'Failure share above its threshold',
  no_deliveries: 'No deliveries',
  degraded: 'Degraded: deliveries held',
}

const CLEARED: Record<AlertKind, string> = {
  failure_share: 'Failure share back under its threshold',
  no_deliveries: 'Deliveries again',
  degraded: 'No longer degraded: deliveries resumed',
}

function clearedDetail(figures: AlertFigures): string {
  if (figures.kind === 'degraded') return 'the credentials were changed and the held deliveries are sent'
  if (figures.kind === 'no_deliveries') return figures.waiting === 0 ? 'nothing waits to be delivered' : 'events are delivered again'
  return describeFigures(figures)
}

function body(subject: Subject, headline: string, detail: string, tab: string): WebhookBody {
  const who = `Pinterest destination “${escaped(subject.functionName)}” of project “${escaped(subject.projectName)}”`
  const text = `${headline}: ${who}: ${escaped(detail.replace(/\.$/, ''))}. See ${tabPath(subject.functionId, tab)}`
  return {
    text: redact(
      text,
      subject.secrets.map((s) => new Secret(s)),
    ),
  }
}

export function openedMessage(subject: Subject, figures: AlertFigures): WebhookBody {
  return body(subject, `Alert: ${OPENED[figures.kind]}`, describeFigures(figures), TAB[figures.kind])
}

export function clearedMessage(subject: Subject, figures: AlertFigures): WebhookBody {
  return body(subject, `Cleared: ${CLEARED[figures.kind]}`, clearedDetail(figures), TAB[figures.kind])
}

export function testMessage(subject: Subject): WebhookBody {
  return body(subject, 'Test alert', 'alerts of this destination reach this webhook', 'alerts')
}
