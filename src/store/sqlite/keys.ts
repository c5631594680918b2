import type Database from 'better-sqlite3'
import { hashKey, newId, randomToken } from '../tokens'
import type { ApiKey, KeyStore, Scope } from '../types'

interface Row {
  id: string
  project_id: number
  label: string
  scopes: string
  created_at: string
}

export class SqliteKeyStore implements KeyStore {
  private readonly findStatement: Database.Statement

  constructor(private readonly db: Database.Database) {
    this.findStatement = db.prepare('SELECT id, project_id, label, scopes, created_at FROM api_keys WHERE key_hash = ?')
  }

  create(projectId: number, scopes: Scope[], label: string, key: string = randomToken('phx_')): { key: string; record: ApiKey } {
    const record: ApiKey = { id: newId(), project_id: projectId, label, scopes, created_at: new Date().toISOString() }
    this.db
      .prepare('INSERT INTO api_keys (id, project_id, key_hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, projectId, hashKey(key), label, JSON.stringify(scopes), record.created_at)
    return { key, record }
  }

  find(key: string): ApiKey | undefined {
    const row = this.findStatement.get(hashKey(key)) as Row | undefined
    return row && { ...row, scopes: JSON.parse(row.scopes) as Scope[] }
  }

  replaceLabelled(projectId: number, label: string, scopes: Scope[], key: string): void {
    const existing = this.find(key)
    if (existing && existing.project_id === projectId && existing.label === label) return
    this.db.prepare('DELETE FROM api_keys WHERE project_id = ? AND label = ?').run(projectId, label)
    if (!existing) this.create(projectId, scopes, label, key)
  }
}
