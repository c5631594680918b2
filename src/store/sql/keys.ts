import type { SqlConnection, SqlStatement } from './connection'
import { hashKey, newId, randomToken } from '../tokens'
import type { ApiKey, KeyStore, Scope } from '../types'

/** A key as stored (scopes as JSON text), without its hash. */
export interface ApiKeyRow {
  id: string
  project_id: number
  label: string
  scopes: string
  created_at: string
  last_used_at: string | null
}

const COLUMNS = 'id, project_id, label, scopes, created_at, last_used_at'

/** A key's last use is written once per this interval at most: a request must not cost a write. */
export const LAST_USED_INTERVAL_MS = 60_000

export const toKey = (row: ApiKeyRow): ApiKey => ({ ...row, scopes: JSON.parse(row.scopes) as Scope[] })

export class SqlKeyStore implements KeyStore {
  private readonly findStatement: SqlStatement
  private readonly touchStatement: SqlStatement
  // When this connection last wrote each key's last use.
  private readonly lastWritten = new Map<string, number>()

  constructor(private readonly db: SqlConnection) {
    this.findStatement = db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = ?`)
    this.touchStatement = db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
  }

  create(projectId: number, scopes: Scope[], label: string, key: string = randomToken('phx_')): { key: string; record: ApiKey } {
    const record: ApiKey = { id: newId(), project_id: projectId, label, scopes, created_at: new Date().toISOString(), last_used_at: null }
    this.db
      .prepare('INSERT INTO api_keys (id, project_id, key_hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, projectId, hashKey(key), label, JSON.stringify(scopes), record.created_at)
    return { key, record }
  }

  find(key: string): ApiKey | undefined {
    const row = this.findStatement.get(hashKey(key)) as ApiKeyRow | undefined
    return row && toKey(row)
  }

  list(projectId?: number): ApiKey[] {
    const rows =
      projectId === undefined
        ? this.db.prepare(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`).all()
        : this.db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE project_id = ? ORDER BY created_at, id`).all(projectId)
    return (rows as ApiKeyRow[]).map(toKey)
  }

  get(id: string): ApiKey | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM api_keys WHERE id = ?`).get(id) as ApiKeyRow | undefined
    return row && toKey(row)
  }

  revoke(id: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id).changes > 0
  }

  recordUse(id: string, atMs: number): void {
    const last = this.lastWritten.get(id)
    if (last !== undefined && atMs - last < LAST_USED_INTERVAL_MS) return
    try {
      this.touchStatement.run(new Date(atMs).toISOString(), id)
      this.lastWritten.set(id, atMs)
    } catch {
      // A busy database only delays the record (the next use tries again); the request itself goes on.
    }
  }

  replaceLabelled(projectId: number, label: string, scopes: Scope[], key: string): void {
    const existing = this.find(key)
    if (existing && existing.project_id === projectId && existing.label === label) return
    this.db.prepare('DELETE FROM api_keys WHERE project_id = ? AND label = ?').run(projectId, label)
    if (!existing) this.create(projectId, scopes, label, key)
  }
}
