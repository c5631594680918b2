import type { Readable, Writable } from 'node:stream'
import { ConfigError } from '../errors'
import { MIN_DELIVERIES_FOR_SHARE } from '../server/alerts/conditions'
import { type AlertChange, applyChange, defaultSettings, presentEpisode, presentSettings } from '../server/alerts/settings'
import type { AlertEpisode, AlertSettings, StoredFunction } from '../store/types'
import { chooseProject, databasePath, openExistingStore, withStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const ALERTS_HELP: CommandHelp = {
  synopsis: [
    'alerts show --function ID [--project ID] [--json] [--db FILE]',
    'alerts set --function ID [--webhook-url URL|-] [--failure-percent N|off] [--no-deliveries-minutes N|off] [--degraded on|off] [--disable] [--project ID] [--db FILE]',
  ],
  description: `
The alerts of a destination: a webhook (Slack-compatible JSON) told once when a condition starts holding and
once when it stops. The webhook URL is a secret: stored encrypted, never printed.
show   the settings (the webhook only as set or not) and the last episodes.
set    changes what is given and turns the alerts on (they need a webhook URL), or off with --disable.
  --webhook-url URL|-          the webhook; - reads it from stdin, so it stays out of the shell's history
  --failure-percent N|off      alert when N% (1 to 100) of the last hour's events failed (at least ${MIN_DELIVERIES_FOR_SHARE} delivered or failed)
  --no-deliveries-minutes N|off  alert when events wait and none was delivered for N minutes (5 to 10080)
  --degraded on|off            alert while Pinterest refuses the destination's credentials (deliveries held)
--project may be left out when the database has one project. Runs beside a running server.`,
}

/** The option that sets each field, so that a problem names what the operator typed. */
const OPTION_OF: Record<string, string> = {
  webhook_url: '--webhook-url',
  'failure_share.percent': '--failure-percent',
  'no_deliveries.minutes': '--no-deliveries-minutes',
}

const OPTIONS = {
  db: { type: 'string' },
  project: { type: 'string' },
  function: { type: 'string' },
  json: { type: 'boolean' },
  'webhook-url': { type: 'string' },
  'failure-percent': { type: 'string' },
  'no-deliveries-minutes': { type: 'string' },
  degraded: { type: 'string' },
  disable: { type: 'boolean' },
} as const

type Values = ReturnType<typeof parseCommand<typeof OPTIONS>>['values']

/** `pinterest-capi alerts show|set`. */
export async function alertsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env, input: Readable = process.stdin): Promise<number> {
  const { values, positionals } = parseCommand('alerts', args, OPTIONS, true)
  const action = subcommand('alerts', positionals, ['show', 'set'] as const)
  if (positionals.length > 1) throw new UsageError('alerts', `alerts ${action} takes options only`)
  if (!values.function) throw new UsageError('alerts', `alerts ${action} needs --function ID`)
  const change = action === 'set' ? await changeOf(values, input) : undefined
  const store = openExistingStore(databasePath(values.db, env), env)
  return withStore(store, () => {
    const projectId = chooseProject('alerts', store, values.project)
    const fn = store.functions.get(projectId, values.function ?? '')
    if (!fn || fn.deleted) throw new UsageError('alerts', 'no function of this project has this ID')
    const current = store.alerts.settings(fn.id) ?? defaultSettings(fn.id, fn.project_id)
    const settings = change ? store.alerts.save(checked(current, change), Date.now()) : current
    const episodes = store.alerts.episodes(fn.id, 20)
    out.write(values.json ? `${JSON.stringify(presentSettings(settings, episodes))}\n` : formatAlerts(fn, settings, episodes))
    return 0
  })
}

function checked(current: Omit<AlertSettings, 'updated_at'>, change: AlertChange): Omit<AlertSettings, 'updated_at'> {
  try {
    return applyChange(current, change)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    throw new ConfigError(OPTION_OF[error.field] ?? error.field, error.detail)
  }
}

/** A whole number, or `off` (the condition switched off); anything else is left to the settings' checks. */
function threshold(value: string | undefined, key: 'percent' | 'minutes'): { enabled: boolean; percent?: number; minutes?: number } | undefined {
  if (value === undefined) return undefined
  if (value === 'off') return { enabled: false }
  return { enabled: true, [key]: /^-?\d{1,9}(\.\d+)?$/.test(value) ? Number(value) : Number.NaN }
}

async function changeOf(values: Values, input: Readable): Promise<AlertChange> {
  const degraded = values.degraded
  if (degraded !== undefined && degraded !== 'on' && degraded !== 'off') throw new UsageError('alerts', '--degraded takes on or off')
  const url = values['webhook-url'] === '-' ? (await readAll(input)).trim() : values['webhook-url']
  const change: Record<string, unknown> = { enabled: !values.disable }
  if (url !== undefined) change.webhook_url = url
  const failure = threshold(values['failure-percent'], 'percent')
  const quiet = threshold(values['no-deliveries-minutes'], 'minutes')
  if (failure) change.failure_share = failure
  if (quiet) change.no_deliveries = quiet
  if (degraded) change.degraded = { enabled: degraded === 'on' }
  return change as AlertChange
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off')

export function formatAlerts(fn: StoredFunction, settings: Omit<AlertSettings, 'updated_at'>, episodes: AlertEpisode[]): string {
  const lines = [
    `alerts of function ${fn.id} (${fn.name}): ${onOff(settings.enabled)}`,
    `  webhook URL: ${settings.webhook_url === null ? 'not set' : 'set'}`,
    `  failure share: ${onOff(settings.failure_share.enabled)}, at ${settings.failure_share.percent}% of the last hour's events (at least ${MIN_DELIVERIES_FOR_SHARE})`,
    `  no deliveries: ${onOff(settings.no_deliveries.enabled)}, after ${settings.no_deliveries.minutes} minutes`,
    `  degraded: ${onOff(settings.degraded.enabled)}`,
  ]
  if (episodes.length === 0) return `${lines.join('\n')}\nno episodes\n`
  const rows = episodes.map((e) => {
    const shown = presentEpisode(e) as Record<string, string | null>
    return [String(shown.kind), String(shown.state), shortTime(shown.opened_at), shortTime(shown.cleared_at), shortTime(shown.notified_at), String(shown.detail)]
  })
  return `${lines.join('\n')}\n${formatTable(['KIND', 'STATE', 'OPENED', 'CLEARED', 'NOTIFIED', 'WHAT'], rows)}`
}
