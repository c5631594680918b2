import type { Writable } from 'node:stream'
import { functionStatus } from '../server/function-status'
import { FunctionsService } from '../server/functions-service'
import { destinationScore, type MappingQuality, mappingQualities } from '../server/match-quality'
import { presentVersion } from '../server/routes/function-activity'
import { type Actor, type FunctionChange, type FunctionVersion, MAX_VERSIONS, type Store } from '../store/types'
import { chooseProject, databasePath, openExistingStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const FUNCTIONS_HELP: CommandHelp = {
  synopsis: [
    'functions history ID [--project ID] [--json] [--db FILE]',
    'functions revert ID VERSION [--project ID] [--db FILE]',
    'functions status ID [--project ID] [--json] [--db FILE]',
    'functions quality ID [--days N] [--project ID] [--json] [--db FILE]',
  ],
  description: `
The versions of a destination (hog function): every create and change, who made it (the label of the API
key, or this CLI) and what changed, field by field. Secret inputs show only that they changed.
history  the function's versions, newest first; --json prints each as the REST API's activity entry, one a line.
revert   saves VERSION (its number from history, or its id) again as a new version: name, description,
         enabled, inputs with their secret values, mappings and filters. A running server picks it up.
status   healthy, or degraded with why, since when and how many deliveries are held; --json prints the REST
         API's status object.
quality  match quality of the last N days (default 7, at most 30): per mapping its events, sent, skipped,
         score and advice; --json prints the REST API's quality answer.
--project may be left out when the database has one project. Runs beside a running server.`,
}

/** The actor of changes made with this CLI (no API key: PostHog's `is_system`). */
export const CLI_ACTOR: Actor = { key_id: null, label: 'pinterest-capi CLI' }

/** `pinterest-capi functions history|revert`. */
export async function functionsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = { db: { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean' }, days: { type: 'string' } } as const
  const { values, positionals } = parseCommand('functions', args, options, true)
  const action = subcommand('functions', positionals, ['history', 'revert', 'status', 'quality'] as const)
  const expected = action === 'revert' ? 3 : 2
  if (positionals.length !== expected) throw new UsageError('functions', action === 'revert' ? 'functions revert needs a function ID and a VERSION' : `functions ${action} needs one function ID`)
  const days = readDays(values.days)
  const store = openExistingStore(databasePath(values.db, env), env)
  try {
    const projectId = chooseProject('functions', store, values.project)
    const id = positionals[1]
    const fn = store.functions.get(projectId, id)
    if (!fn) throw new UsageError('functions', 'no function of this project has this ID')
    if (action === 'status') {
      const status = functionStatus(fn, store.holds.get(id), () => store.deliveries.countPending(id))
      out.write(values.json ? `${JSON.stringify(status)}\n` : 'reason' in status ? `degraded since ${shortTime(status.held_since)}: ${status.reason}\n` : 'healthy\n')
      return 0
    }
    if (action === 'quality') {
      const before = new Date()
      const after = new Date(before.getTime() - days * 86_400_000)
      const mappings = mappingQualities(store.quality.sum(projectId, after.toISOString(), before.toISOString(), id))
      const answer = { after: after.toISOString(), before: before.toISOString(), score: destinationScore(mappings), mappings }
      out.write(values.json ? `${JSON.stringify(answer)}\n` : formatQuality(answer.score, mappings, days))
      return 0
    }
    if (action === 'history') {
      const { results } = store.functions.versions(projectId, id, { limit: MAX_VERSIONS, offset: 0 })
      out.write(values.json ? results.map((v) => `${JSON.stringify(presentVersion(v))}\n`).join('') : formatHistory(results))
      return 0
    }
    const version = findVersion(store, projectId, id, positionals[2])
    const latest = () => store.functions.versions(projectId, id, { limit: 1, offset: 0 }).results[0]
    const before = latest()
    const saved = await new FunctionsService(store.functions).revert(projectId, id, version.id, CLI_ACTOR)
    const after = latest()
    // A revert to the state the function is in changes nothing, so it saves no version.
    if (after.id === before.id) out.write(`function ${saved.id} (${saved.name}) is as in version ${version.version} already: nothing saved\n`)
    else out.write(`reverted function ${saved.id} (${saved.name}) to version ${version.version}: saved as version ${after.version}\n`)
    return 0
  } finally {
    store.close()
  }
}

/** By its number in `functions history`, or by its id. */
function findVersion(store: Store, projectId: number, functionId: string, given: string): FunctionVersion {
  const { results } = store.functions.versions(projectId, functionId, { limit: MAX_VERSIONS, offset: 0 })
  const found = /^[0-9]{1,9}$/.test(given) ? results.find((v) => v.version === Number(given)) : results.find((v) => v.id === given)
  if (!found) throw new UsageError('functions', 'this function has no such VERSION (see functions history)')
  return found
}

const shown = (value: unknown) => (value === null ? 'none' : JSON.stringify(value))

const isObject = (value: unknown) => typeof value === 'object' && value !== null

/** One change in a line: plain values as `field: before -> after`; a secret, mappings and filters only as what happened. */
export function describeChange(change: FunctionChange): string {
  if (isObject(change.before) || isObject(change.after)) return `${change.field} ${change.action}`
  return `${change.field}: ${shown(change.before)} -> ${shown(change.after)}`
}

export function formatHistory(versions: FunctionVersion[]): string {
  const rows = versions.map((v) => [
    String(v.version),
    shortTime(v.created_at),
    v.actor.label,
    v.reverted_from ? `${v.activity} (revert to ${v.reverted_from.version})` : v.activity,
    v.changes.map(describeChange).join('; '),
  ])
  return formatTable(['VERSION', 'WHEN', 'BY', 'ACTIVITY', 'CHANGES'], rows)
}

function readDays(given: string | undefined): number {
  if (given === undefined) return 7
  if (!/^[0-9]{1,2}$/.test(given) || Number(given) < 1 || Number(given) > 30) throw new UsageError('functions', '--days must be a whole number from 1 to 30')
  return Number(given)
}

const scoreText = (score: number | null) => (score === null ? '-' : String(score))

export function formatQuality(score: number | null, mappings: MappingQuality[], days: number): string {
  const period = days === 1 ? 'the last day' : `the last ${days} days`
  if (mappings.length === 0) return `no events were mapped in ${period}\n`
  const rows = mappings.map((m) => [m.mapping, String(m.events), String(m.sent), `${Math.round(m.skipped.share * 100)}%`, scoreText(m.score)])
  const advice = mappings.flatMap((m) => m.advice).map((line) => `- ${line}\n`)
  return [`score ${scoreText(score)} over ${period}\n`, formatTable(['MAPPING', 'EVENTS', 'SENT', 'SKIPPED', 'SCORE'], rows), ...(advice.length > 0 ? ['advice:\n', ...advice] : [])].join('')
}
