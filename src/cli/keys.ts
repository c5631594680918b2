import type { Writable } from 'node:stream'
import { SCOPES, type ApiKey, type Scope, type Store } from '../store/types'
import { chooseProject, databasePath, openExistingStore, withStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const KEYS_HELP: CommandHelp = {
  synopsis: ['keys list [--project ID] [--db FILE]', `keys create --label LABEL [--project ID] [--scopes ${SCOPES.join(',')}] [--db FILE]`, 'keys revoke ID [--db FILE]'],
  description: `
Personal API keys of the REST API (Authorization: Bearer <key>). Keys are stored hashed: no command can show
a key again.
list    each key's id, project, label, scopes, creation time and last use (recorded at most once a minute).
create  a new key with the scopes given (default: all), printed once. --project may be left out when the
        database has one project.
revoke  deletes the key with this id (from keys list; the key itself works too): a running server refuses it
        from the next request on.
Runs beside a running server.`,
}

/** `pinterest-capi keys list|create|revoke`. */
export async function keysCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand('keys', args, { db: { type: 'string' }, project: { type: 'string' }, label: { type: 'string' }, scopes: { type: 'string' } }, true)
  const action = subcommand('keys', positionals, ['list', 'create', 'revoke'] as const)
  if (action !== 'revoke' && positionals.length > 1) throw new UsageError('keys', `keys ${action} takes options only`)
  const store = openExistingStore(databasePath(values.db, env), env)
  return withStore(store, () => {
    if (action === 'list') {
      const projectId = values.project === undefined ? undefined : chooseProject('keys', store, values.project)
      out.write(formatKeys(store.keys.list(projectId)))
    } else if (action === 'create') {
      const label = values.label?.trim()
      if (!label) throw new UsageError('keys', 'keys create needs --label LABEL (it tells keys apart in keys list)')
      const projectId = chooseProject('keys', store, values.project)
      const scopes = parseScopes(values.scopes)
      const { key, record } = store.keys.create(projectId, scopes, label)
      out.write(`created key ${record.id} for project ${projectId} (${scopes.join(', ')}): ${key}\n  it is shown only now; it is stored hashed\n`)
    } else {
      const revoked = revoke(store, positionals)
      out.write(`revoked key ${revoked.id} (${revoked.label}) of project ${revoked.project_id}\n`)
    }
    return 0
  })
}

export function formatKeys(keys: ApiKey[]): string {
  const rows = keys.map((k) => [k.id, String(k.project_id), k.label, k.scopes.join(','), shortTime(k.created_at), shortTime(k.last_used_at)])
  return formatTable(['ID', 'PROJECT', 'LABEL', 'SCOPES', 'CREATED', 'LAST USED'], rows)
}

function parseScopes(given: string | undefined): Scope[] {
  if (given === undefined) return [...SCOPES]
  const scopes = given.split(',').map((s) => s.trim()) as Scope[]
  if (scopes.some((s) => !SCOPES.includes(s))) throw new UsageError('keys', `--scopes: a scope is not known; known: ${SCOPES.join(', ')}`)
  return [...new Set(scopes)]
}

/** By id, or by the key itself (a leaked key whose id is not at hand). */
function revoke(store: Store, positionals: string[]): ApiKey {
  if (positionals.length !== 2) throw new UsageError('keys', 'keys revoke needs one key ID (see keys list)')
  const given = positionals[1]
  const key = store.keys.get(given) ?? store.keys.find(given)
  if (!key) throw new UsageError('keys', 'no key has this id (see keys list)')
  store.keys.revoke(key.id)
  return key
}
