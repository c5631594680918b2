import type { SqlConnection, SqlStatement } from './connection'
import { hashKey, randomToken } from '../tokens'
import { type ApiKeyRow, toKey } from './keys'
import type { SessionStore, UiSession } from '../types'

/** A session lasts this long from sign-in (fixed, not sliding): then the page asks for the key again. */
export const SESSION_LIFETIME_MS = 14 * 86_400_000

interface Row extends ApiKeyRow {
  csrf_token: string
  expires_at: number
}

export class SqlSessionStore implements SessionStore {
  private readonly findStatement: SqlStatement
  private readonly deleteStatement: SqlStatement

  constructor(
    private readonly db: SqlConnection,
    private readonly lifetimeMs: number,
  ) {
    // Joined to the key: a revoked key has no row, so its sessions open nothing even before the cascade.
    this.findStatement = db.prepare(
      `SELECT s.csrf_token, s.expires_at, k.id, k.project_id, k.label, k.scopes, k.created_at, k.last_used_at
       FROM ui_sessions s JOIN api_keys k ON k.id = s.key_id WHERE s.id_hash = ?`,
    )
    this.deleteStatement = db.prepare('DELETE FROM ui_sessions WHERE id_hash = ?')
  }

  create(keyId: string, nowMs: number): { id: string; session: UiSession } {
    const id = randomToken('pcs_')
    const csrfToken = randomToken('', 32)
    const expiresAt = nowMs + this.lifetimeMs
    this.db.transaction(() => {
      // Sign-ins are rare: a good moment to forget the sessions that ended by themselves.
      this.db.prepare('DELETE FROM ui_sessions WHERE expires_at <= ?').run(nowMs)
      this.db.prepare('INSERT INTO ui_sessions (id_hash, key_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(hashKey(id), keyId, csrfToken, nowMs, expiresAt)
    })
    const session = this.find(id, nowMs)
    if (!session) throw new Error('the key of the new session does not exist')
    return { id, session }
  }

  find(id: string, nowMs: number): UiSession | undefined {
    const row = this.findStatement.get(hashKey(id)) as Row | undefined
    if (!row) return undefined
    if (row.expires_at <= nowMs) {
      this.delete(id)
      return undefined
    }
    const { csrf_token, expires_at, ...key } = row
    return { key: toKey(key), csrf_token, expires_at }
  }

  delete(id: string): boolean {
    return this.deleteStatement.run(hashKey(id)).changes > 0
  }
}
