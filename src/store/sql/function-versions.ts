import type { SqlConnection } from './connection'
import { activityOf, functionChanges } from '../function-diff'
import type { SecretBox } from '../secret-box'
import { newId } from '../tokens'
import { type ChangeContext, type FunctionState, type FunctionVersion, MAX_VERSIONS, type StoredFunction } from '../types'
import { openSecrets, sealSecrets, versionPlace } from './sealed-secrets'

interface Row {
  id: string
  project_id: number
  function_id: string
  version: number
  activity: FunctionVersion['activity']
  actor_key_id: string | null
  actor_label: string
  state: string
  secrets: string
  changes: string
  reverted_from: string | null
  created_at: string
}

const COLUMNS = 'id, project_id, function_id, version, activity, actor_key_id, actor_label, state, secrets, changes, reverted_from, created_at'

export const stateOf = (fn: FunctionState): FunctionState => ({
  name: fn.name,
  description: fn.description,
  enabled: fn.enabled,
  deleted: fn.deleted,
  inputs: fn.inputs,
  secrets: fn.secrets,
  mappings: fn.mappings,
  filters: fn.filters,
})

function fromRow(row: Row): FunctionVersion {
  return {
    id: row.id,
    function_id: row.function_id,
    project_id: row.project_id,
    version: row.version,
    name: (JSON.parse(row.state) as { name: string }).name,
    activity: row.activity,
    actor: { key_id: row.actor_key_id, label: row.actor_label },
    changes: JSON.parse(row.changes),
    reverted_from: row.reverted_from === null ? null : JSON.parse(row.reverted_from),
    created_at: row.created_at,
  }
}

/** The versions of functions; written by SqlFunctionStore inside the transaction of each change. */
export class SqlVersionLog {
  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {}

  /** Records the change from `before` (null: a new function) to `after`; nothing when no field changed. */
  record(before: FunctionState | null, after: StoredFunction, context: ChangeContext): void {
    const changes = functionChanges(before, after)
    if (changes.length === 0) return
    const id = newId()
    const { secrets, ...state } = stateOf(after)
    // Read then written: safe because the caller's transaction holds the function's row (it inserted, or
    // locked and updated it), so a second process numbering a version of this function waits for its commit.
    const last = this.db.prepare('SELECT MAX(version) AS v FROM hog_function_versions WHERE function_id = ?').get(after.id) as { v: number | null }
    const version = (last.v ?? 0) + 1
    this.db
      .prepare(`INSERT INTO hog_function_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        id,
        after.project_id,
        after.id,
        version,
        activityOf(before, after),
        context.actor.key_id,
        context.actor.label,
        JSON.stringify(state),
        sealSecrets(this.box, versionPlace(after.id, id), secrets),
        JSON.stringify(changes),
        context.revertedFrom ? JSON.stringify(context.revertedFrom) : null,
        after.updated_at,
      )
    this.db.prepare('DELETE FROM hog_function_versions WHERE function_id = ? AND version <= ?').run(after.id, version - MAX_VERSIONS)
  }

  list(projectId: number, functionId: string, page: { limit: number; offset: number }): { count: number; results: FunctionVersion[] } {
    const where = 'WHERE project_id = ? AND function_id = ?'
    const count = (this.db.prepare(`SELECT COUNT(*) AS n FROM hog_function_versions ${where}`).get(projectId, functionId) as { n: number }).n
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM hog_function_versions ${where} ORDER BY version DESC LIMIT ? OFFSET ?`).all(projectId, functionId, page.limit, page.offset) as Row[]
    return { count, results: rows.map(fromRow) }
  }

  get(projectId: number, functionId: string, versionId: string): (FunctionVersion & { state: FunctionState }) | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM hog_function_versions WHERE project_id = ? AND function_id = ? AND id = ?`).get(projectId, functionId, versionId) as Row | undefined
    if (!row) return undefined
    const secrets = openSecrets(this.box, versionPlace(functionId, row.id), JSON.parse(row.secrets))
    return { ...fromRow(row), state: { ...JSON.parse(row.state), secrets } }
  }
}
