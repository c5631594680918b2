import type Database from 'better-sqlite3'
import { randomToken } from '../tokens'
import type { Project, ProjectStore } from '../types'

export class SqliteProjectStore implements ProjectStore {
  constructor(private readonly db: Database.Database) {}

  create(name: string, apiToken: string = randomToken('phc_')): Project {
    const created_at = new Date().toISOString()
    const result = this.db.prepare('INSERT INTO projects (name, api_token, created_at) VALUES (?, ?, ?)').run(name, apiToken, created_at)
    return { id: Number(result.lastInsertRowid), name, api_token: apiToken, created_at }
  }

  get(id: number): Project | undefined {
    return this.db.prepare('SELECT id, name, api_token, created_at FROM projects WHERE id = ?').get(id) as Project | undefined
  }

  byToken(apiToken: string): Project | undefined {
    return this.db.prepare('SELECT id, name, api_token, created_at FROM projects WHERE api_token = ?').get(apiToken) as Project | undefined
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM projects').get() as { n: number }).n
  }
}
