import { configChanged } from './config-version'
import type { SqlConnection, SqlStatement } from './connection'
import type { SecretBox } from '../secret-box'
import { type ChangeContext, CREDENTIAL_INPUTS, type FunctionQuery, type FunctionState, type FunctionStore, type FunctionVersion, type FunctionWrite, type StoredFunction } from '../types'
import { SqlVersionLog } from './function-versions'
import { containsPattern, likeAnyCase } from './portable'
import { functionPlace, openSecrets, sealSecrets } from './sealed-secrets'

interface Row {
  id: string
  project_id: number
  type: 'destination'
  name: string
  description: string
  enabled: number
  deleted: number
  template_id: string
  inputs: string
  secrets: string
  mappings: string | null
  filters: string | null
  created_at: string
  updated_at: string
  credentials_version: number
}

const WRITTEN = 'id, project_id, type, name, description, enabled, deleted, template_id, inputs, secrets, mappings, filters, created_at, updated_at'
const COLUMNS = `${WRITTEN}, credentials_version`

function fromRow(row: Row, box: SecretBox): StoredFunction {
  return {
    ...row,
    enabled: row.enabled === 1,
    deleted: row.deleted === 1,
    inputs: JSON.parse(row.inputs),
    secrets: openSecrets(box, functionPlace(row.id), JSON.parse(row.secrets)),
    mappings: row.mappings === null ? null : JSON.parse(row.mappings),
    filters: row.filters === null ? null : JSON.parse(row.filters),
  }
}

function toParams(fn: FunctionWrite, box: SecretBox) {
  return {
    ...fn,
    enabled: fn.enabled ? 1 : 0,
    deleted: fn.deleted ? 1 : 0,
    inputs: JSON.stringify(fn.inputs),
    secrets: sealSecrets(box, functionPlace(fn.id), fn.secrets),
    mappings: fn.mappings === null ? null : JSON.stringify(fn.mappings),
    filters: fn.filters === null || fn.filters === undefined ? null : JSON.stringify(fn.filters),
  }
}

export class SqlFunctionStore implements FunctionStore {
  private readonly activeStatement: SqlStatement
  private readonly log: SqlVersionLog

  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {
    this.log = new SqlVersionLog(db, box)
    this.activeStatement = db.prepare(`SELECT ${COLUMNS} FROM hog_functions WHERE enabled = 1 AND deleted = 0`)
  }

  list(projectId: number, query: FunctionQuery): { count: number; results: StoredFunction[] } {
    const where = ['project_id = @projectId', 'deleted = 0']
    const params: Record<string, unknown> = { projectId, limit: query.limit, offset: query.offset }
    if (query.type && query.type.length > 0) {
      where.push(`type IN (${query.type.map((_, i) => `@type${i}`).join(', ')})`)
      query.type.forEach((t, i) => (params[`type${i}`] = t))
    }
    if (query.enabled !== undefined) {
      where.push('enabled = @enabled')
      params.enabled = query.enabled ? 1 : 0
    }
    if (query.search) {
      const like = likeAnyCase(this.db)
      where.push(`(name ${like} @search ESCAPE '\\' OR description ${like} @search ESCAPE '\\')`)
      params.search = containsPattern(query.search)
    }
    const clause = where.join(' AND ')
    const count = (this.db.prepare(`SELECT COUNT(*) AS n FROM hog_functions WHERE ${clause}`).get(params) as { n: number }).n
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM hog_functions WHERE ${clause} ORDER BY updated_at DESC, id LIMIT @limit OFFSET @offset`).all(params) as Row[]
    return { count, results: rows.map((row) => fromRow(row, this.box)) }
  }

  get(projectId: number, id: string): StoredFunction | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM hog_functions WHERE project_id = ? AND id = ?`).get(projectId, id) as Row | undefined
    return row && fromRow(row, this.box)
  }

  insert(fn: FunctionWrite, context: ChangeContext): StoredFunction {
    const now = new Date().toISOString()
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO hog_functions (${WRITTEN}) VALUES (@id, @project_id, @type, @name, @description, @enabled, @deleted, @template_id, @inputs, @secrets, @mappings, @filters, @created_at, @updated_at)`,
        )
        .run({ ...toParams(fn, this.box), created_at: now, updated_at: now })
      const saved = this.get(fn.project_id, fn.id) as StoredFunction
      this.log.record(null, saved, context)
      configChanged(this.db)
      return saved
    })
  }

  update(fn: FunctionWrite, context: ChangeContext): StoredFunction {
    return this.db.transaction(() => {
      // Two API processes saving one function at once take turns from here: each diffs against the other's
      // saved state and numbers its version after it (SQLite's write lock already does this for the file).
      if (this.db.dialect === 'postgres') this.db.prepare('SELECT 1 FROM hog_functions WHERE project_id = ? AND id = ? FOR NO KEY UPDATE').get(fn.project_id, fn.id)
      const before = this.get(fn.project_id, fn.id)
      const changed = before !== undefined && credentialsChanged(before, fn) ? 1 : 0
      this.db
        .prepare(
          `UPDATE hog_functions SET name = @name, description = @description, enabled = @enabled, deleted = @deleted, inputs = @inputs,
             secrets = @secrets, mappings = @mappings, filters = @filters, updated_at = @updated_at,
             credentials_version = credentials_version + @changed WHERE project_id = @project_id AND id = @id`,
        )
        .run({ ...toParams(fn, this.box), updated_at: new Date().toISOString(), changed })
      if (changed) this.db.prepare('DELETE FROM delivery_holds WHERE function_id = ?').run(fn.id)
      const saved = this.get(fn.project_id, fn.id) as StoredFunction
      this.log.record(before ?? null, saved, context)
      configChanged(this.db)
      return saved
    })
  }

  versions(projectId: number, functionId: string, page: { limit: number; offset: number }): { count: number; results: FunctionVersion[] } {
    return this.log.list(projectId, functionId, page)
  }

  version(projectId: number, functionId: string, versionId: string): (FunctionVersion & { state: FunctionState }) | undefined {
    return this.log.get(projectId, functionId, versionId)
  }

  active(): StoredFunction[] {
    const rows = this.activeStatement.all() as Row[]
    return rows.map((row) => fromRow(row, this.box))
  }

  // updated_at stays: what the function sends does not change.
  fillMissingMappings(mappings: unknown[]): number {
    return this.db.prepare('UPDATE hog_functions SET mappings = ? WHERE mappings IS NULL').run(JSON.stringify(mappings)).changes
  }
}

/** Whether a save changes where or with what the destination sends (a plain input's value or a secret's). */
function credentialsChanged(before: StoredFunction, after: FunctionWrite): boolean {
  return CREDENTIAL_INPUTS.some((key) => before.secrets[key] !== after.secrets[key] || JSON.stringify(before.inputs[key]?.value) !== JSON.stringify(after.inputs[key]?.value))
}
