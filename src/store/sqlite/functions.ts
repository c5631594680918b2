import type Database from 'better-sqlite3'
import { isSealed, type SecretBox } from '../secret-box'
import { CREDENTIAL_INPUTS, type FunctionQuery, type FunctionStore, type FunctionWrite, type StoredFunction } from '../types'

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

/** Binds a sealed value to its function and input: copied into another row, it does not open. */
const secretContext = (functionId: string, name: string) => `hog_functions/${functionId}/${name}`

function sealSecrets(box: SecretBox, functionId: string, secrets: Record<string, string>): string {
  const sealed = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, box.seal(value, secretContext(functionId, name))]))
  return JSON.stringify(sealed)
}

/** `clearAllowed` only while sealing the clear values of a database from before encryption at rest. */
function openSecrets(box: SecretBox, functionId: string, stored: Record<string, string>, clearAllowed = false): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).map(([name, value]) => [name, clearAllowed && !isSealed(value) ? value : box.open(value, secretContext(functionId, name))]))
}

function fromRow(row: Row, box: SecretBox): StoredFunction {
  return {
    ...row,
    enabled: row.enabled === 1,
    deleted: row.deleted === 1,
    inputs: JSON.parse(row.inputs),
    secrets: openSecrets(box, row.id, JSON.parse(row.secrets)),
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
    secrets: sealSecrets(box, fn.id, fn.secrets),
    mappings: fn.mappings === null ? null : JSON.stringify(fn.mappings),
    filters: fn.filters === null || fn.filters === undefined ? null : JSON.stringify(fn.filters),
  }
}

export class SqliteFunctionStore implements FunctionStore {
  private readonly activeStatement: Database.Statement

  constructor(
    private readonly db: Database.Database,
    private readonly box: SecretBox,
  ) {
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
      where.push("(name LIKE @search ESCAPE '\\' OR description LIKE @search ESCAPE '\\')")
      params.search = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
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

  insert(fn: FunctionWrite): StoredFunction {
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO hog_functions (${WRITTEN}) VALUES (@id, @project_id, @type, @name, @description, @enabled, @deleted, @template_id, @inputs, @secrets, @mappings, @filters, @created_at, @updated_at)`,
      )
      .run({ ...toParams(fn, this.box), created_at: now, updated_at: now })
    return this.get(fn.project_id, fn.id) as StoredFunction
  }

  update(fn: FunctionWrite): StoredFunction {
    this.db
      .transaction(() => {
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
      })
      .immediate()
    return this.get(fn.project_id, fn.id) as StoredFunction
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

export interface SealReport {
  /** Secret values stored in clear (before encryption at rest) that are now sealed. */
  sealed: number
  /** Values sealed with an older key, now sealed with the current one (a rotation). */
  resealed: number
  /** Every stored secret value, each checked to open with the keys given. */
  total: number
}

/**
 * Makes every stored secret value sealed with the box's current key, in one transaction: clear values
 * of databases from before encryption at rest, and values of an older key, are sealed again. Throws
 * SecretKeyError, changing nothing, when a value does not open with the keys given.
 */
export function sealStoredSecrets(db: Database.Database, box: SecretBox): SealReport {
  const report: SealReport = { sealed: 0, resealed: 0, total: 0 }
  const update = db.prepare('UPDATE hog_functions SET secrets = ? WHERE id = ?')
  db.transaction(() => {
    for (const row of db.prepare('SELECT id, secrets FROM hog_functions').all() as { id: string; secrets: string }[]) {
      const stored = JSON.parse(row.secrets) as Record<string, string>
      // Opening checks every value, so that a wrong key fails here.
      const opened = openSecrets(box, row.id, stored, true)
      const values = Object.values(stored)
      const clear = values.filter((v) => !isSealed(v)).length
      const older = values.filter((v) => isSealed(v) && box.sealedWith(v) !== box.currentId).length
      report.total += values.length
      report.sealed += clear
      report.resealed += older
      if (clear + older > 0) update.run(sealSecrets(box, row.id, opened), row.id)
    }
  }).immediate()
  return report
}
