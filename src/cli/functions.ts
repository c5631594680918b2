import type { Writable } from 'node:stream'
import { FunctionsService } from '../server/functions-service'
import { presentVersion } from '../server/routes/function-activity'
import { type Actor, type FunctionChange, type FunctionVersion, MAX_VERSIONS, type Store } from '../store/types'
import { chooseProject, databasePath, openExistingStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const FUNCTIONS_HELP: CommandHelp = {
  synopsis: ['functions history ID [--project ID] [--json] [--db FILE]', 'functions revert ID VERSION [--project ID] [--db FILE]'],
  description: `
The versions of a destination (hog function): every create and change, who made it (the label of the API
key, or this CLI) and what changed, field by field. Secret inputs show only that they changed.
history  the function's versions, newest first; --json prints each as the REST API's activity entry, one a line.
revert   saves VERSION (its number from history, or its id) again as a new version: name, description,
         enabled, inputs with their secret values, mappings and filters. A running server picks it up.
--project may be left out when the database has one project. Runs beside a running server.`,
}

/** The actor of changes made with this CLI (no API key: PostHog's `is_system`). */
export const CLI_ACTOR: Actor = { key_id: null, label: 'pinterest-capi CLI' }

/** `pinterest-capi functions history|revert`. */
export async function functionsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand('functions', args, { db: { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean' } }, true)
  const action = subcommand('functions', positionals, ['history', 'revert'] as const)
  const expected = action === 'history' ? 2 : 3
  if (positionals.length !== expected) throw new UsageError('functions', action === 'history' ? 'functions history needs one function ID' : 'functions revert needs a function ID and a VERSION')
  const store = openExistingStore(databasePath(values.db, env), env)
  try {
    const projectId = chooseProject('functions', store, values.project)
    const id = positionals[1]
    if (!store.functions.get(projectId, id)) throw new UsageError('functions', 'no function of this project has this ID')
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
