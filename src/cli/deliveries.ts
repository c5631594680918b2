import type { Writable } from 'node:stream'
import { DELIVERY_REASONS } from '../delivery/failure-reasons'
import { ConfigError, OperatorError } from '../errors'
import { type FilterInput, JobConflict, JobsService, parseFailedFilter, presentFailed, presentJob } from '../server/jobs-service'
import type { Job, Store } from '../store/types'
import { CLI_ACTOR } from './functions'
import { chooseProject, databasePath, openExistingStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

const FILTERS = '[--status failed,gave_up] [--mapping NAME] [--reason CODE] [--after ISO] [--before ISO]'
const COMMON = '[--project ID] [--db FILE]'

const RUNS_ON_THE_SERVER = `
The CLI stores the job; the pipelines server's pipeline runs it (a server running on this database takes it
up within a moment, otherwise the next 'pinterest-capi serve' does), mapping each event with the
destination's configuration as saved then and sending in batches as usual. Follow it with
'deliveries jobs --function ID'. Runs beside a running server.`

export const DELIVERIES_HELP: CommandHelp = {
  synopsis: [
    `deliveries list --function ID ${FILTERS} [--limit N] [--json] ${COMMON}`,
    `deliveries replay --function ID (--ids 1,2,3 | ${FILTERS}) ${COMMON}`,
    `deliveries jobs --function ID [--json] ${COMMON}`,
  ],
  description: `
A destination's failed and given-up deliveries, newest first, and their replay.
list    the deliveries (not replayed since) with their reason, attempts and last error; --json prints
        each as the REST API does, one a line. --limit defaults to 50.
replay  maps the stored events of the deliveries given (--ids) or matching the filters again and sends
        them (same event_id). Events older than Pinterest's 7 days are refused.
jobs    the destination's replays and backfills with their progress.
--reason is one of: ${Object.keys(DELIVERY_REASONS).join(', ')}. --after and --before are ISO 8601 instants on the
delivery's last update. --project may be left out when the database has one project.
${RUNS_ON_THE_SERVER}`,
}

export const BACKFILL_HELP: CommandHelp = {
  synopsis: [`backfill --function ID --after ISO --before ISO ${COMMON}`],
  description: `
Sends the project's stored events received in [--after, --before) through one destination, for example
one created today for last week's orders. The range spans at most 7 days, within Pinterest's window;
events keep their own event_id, so Pinterest deduplicates what it already has.
${RUNS_ON_THE_SERVER}`,
}

const FILTER_OPTIONS = {
  status: { type: 'string' },
  mapping: { type: 'string' },
  reason: { type: 'string' },
  after: { type: 'string' },
  before: { type: 'string' },
} as const

const BASE_OPTIONS = { db: { type: 'string' }, project: { type: 'string' }, function: { type: 'string' } } as const

/** A job's field problem or conflict as the CLI says it: the option (never the value given). */
function asCliError<T>(command: string, run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof JobConflict) throw new OperatorError(error.message)
    if (error instanceof ConfigError) throw new UsageError(command, `${optionOf(error.field)}: ${error.detail}`)
    throw error
  }
}

const optionOf = (field: string): string => {
  const name = field.replace(/^filter\./, '')
  if (name === 'delivery_ids') return '--ids'
  return name === 'filter' ? 'the filters' : `--${name}`
}

/** Runs `fn` on the project's destination named with --function. */
function withFunction<T>(command: string, values: { db?: string; project?: string; function?: string }, env: NodeJS.ProcessEnv, fn: (store: Store, projectId: number, functionId: string) => T): T {
  if (!values.function) throw new UsageError(command, `${command} needs --function ID`)
  const store = openExistingStore(databasePath(values.db, env), env)
  try {
    const projectId = chooseProject(command, store, values.project)
    const stored = store.functions.get(projectId, values.function)
    if (!stored || stored.deleted) throw new UsageError(command, 'no function of this project has this ID')
    return fn(store, projectId, stored.id)
  } finally {
    store.close()
  }
}

function describeJob(job: Job): string {
  const p = presentJob(job)
  const failures = p.failures.map((f) => `${f.reason} ${f.count}`).join(', ')
  return `${p.kind} job ${p.id}: ${p.status}, ${p.total} in all: done ${p.done}, failed ${p.failed}${failures ? ` (${failures})` : ''}, left ${p.left}\n`
}

const started = (job: Job) => `${describeJob(job)}The pipelines server runs it: at once if one runs on this database, else from its next start.\n`

/** `pinterest-capi deliveries list|replay|jobs`. */
export async function deliveriesCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = { ...BASE_OPTIONS, ...FILTER_OPTIONS, ids: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } as const
  const { values, positionals } = parseCommand('deliveries', args, options, true)
  const action = subcommand('deliveries', positionals, ['list', 'replay', 'jobs'] as const)
  if (positionals.length !== 1) throw new UsageError('deliveries', 'unexpected argument (give the function with --function ID)')
  const filters: FilterInput = { status: values.status, mapping: values.mapping, reason: values.reason, after: values.after, before: values.before }
  return withFunction('deliveries', values, env, (store, projectId, functionId) => {
    if (action === 'jobs') {
      const jobs = store.jobs.list(projectId, functionId, 50)
      out.write(values.json ? jobs.map((j) => `${JSON.stringify(presentJob(j))}\n`).join('') : jobs.map(describeJob).join(''))
      return 0
    }
    if (action === 'list') {
      const limit = values.limit === undefined ? 50 : Number(values.limit)
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('deliveries', '--limit: expected a whole number from 1 to 500')
      const filter = asCliError('deliveries', () => parseFailedFilter(filters, Date.now()))
      const nowMs = Date.now()
      const { count, results } = store.deliveries.failed(functionId, filter, { limit, offset: 0 })
      const shown = results.map((d) => presentFailed(d, nowMs))
      if (values.json) out.write(shown.map((d) => `${JSON.stringify(d)}\n`).join(''))
      else out.write(`${formatFailed(shown)}${count} failed or given-up ${count === 1 ? 'delivery' : 'deliveries'}${count > shown.length ? `, ${shown.length} shown` : ''}\n`)
      return 0
    }
    const service = new JobsService(store)
    const body = values.ids === undefined ? { filter: filters } : { delivery_ids: parseIds(values.ids, filters) }
    out.write(started(asCliError('deliveries', () => service.replay(projectId, functionId, body, CLI_ACTOR))))
    return 0
  })
}

function parseIds(text: string, filters: FilterInput): number[] {
  if (Object.values(filters).some((v) => v !== undefined)) throw new UsageError('deliveries', 'give either --ids or filters, not both')
  const ids = text.split(',').map((s) => s.trim())
  if (ids.some((id) => !/^[1-9][0-9]{0,14}$/.test(id))) throw new UsageError('deliveries', '--ids: expected delivery ids separated by commas (see deliveries list)')
  return ids.map(Number)
}

type Shown = ReturnType<typeof presentFailed>

const MAX_ERROR = 80
const short = (text: string | null) => (text === null ? '' : text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text)

function formatFailed(rows: Shown[]): string {
  if (rows.length === 0) return ''
  return formatTable(
    ['ID', 'UPDATED', 'STATUS', 'REASON', 'MAPPING', 'EVENT_ID', 'ATTEMPTS', 'LAST ERROR'],
    rows.map((d) => [String(d.id), shortTime(d.updated_at), d.status, d.reason, d.mapping, d.event_id, String(d.attempts), short(d.last_error)]),
  )
}

/** `pinterest-capi backfill`. */
export async function backfillCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseCommand('backfill', args, { ...BASE_OPTIONS, after: { type: 'string' }, before: { type: 'string' } })
  if (values.after === undefined || values.before === undefined) throw new UsageError('backfill', 'backfill needs --after ISO and --before ISO')
  return withFunction('backfill', values, env, (store, projectId, functionId) => {
    const job = asCliError('backfill', () => new JobsService(store).backfill(projectId, functionId, { after: values.after, before: values.before }, CLI_ACTOR))
    out.write(started(job))
    return 0
  })
}
