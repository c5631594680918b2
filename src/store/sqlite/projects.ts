import type Database from 'better-sqlite3'
import { randomToken } from '../tokens'
import type { Project, ProjectStore } from '../types'

export class SqliteProjectStore implements ProjectStore {
  private readonly byId: Database.Statement
  private readonly byTokenStatement: Database.Statement
  // Capture looks the token up on every request; a project's token never changes, so hits are kept.
  private readonly tokenCache = new Map<string, Project>()

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare('SELECT id, name, api_token, created_at FROM projects WHERE id = ?')
    this.byTokenStatement = db.prepare('SELECT id, name, api_token, created_at FROM projects WHERE api_token = ?')
  }

  create(name: string, apiToken: string = randomToken('phc_')): Project {
    const created_at = new Date().toISOString()
    const result = this.db.prepare('INSERT INTO projects (name, api_token, created_at) VALUES (?, ?, ?)').run(name, apiToken, created_at)
    return { id: Number(result.lastInsertRowid), name, api_token: apiToken, created_at }
  }

  get(id: number): Project | undefined {
    return this.byId.get(id) as Project | undefined
  }

  byToken(apiToken: string): Project | undefined {
    const cached = this.tokenCache.get(apiToken)
    if (cached) return cached
    const project = this.byTokenStatement.get(apiToken) as Project | undefined
    if (project && this.tokenCache.size < 10_000) this.tokenCache.set(apiToken, project)
    return project
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM projects').get() as { n: number }).n
  }

  list(): Project[] {
    return this.db.prepare('SELECT id, name, api_token, created_at FROM projects ORDER BY id').all() as Project[]
  }

  setToken(id: number, apiToken: string): void {
    this.db.prepare('UPDATE projects SET api_token = ? WHERE id = ?').run(apiToken, id)
    this.tokenCache.clear()
  }
}
