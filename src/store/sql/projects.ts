import { configChanged } from './config-version'
import type { SqlConnection, SqlStatement } from './connection'
import { randomToken } from '../tokens'
import type { Project, ProjectChanges, ProjectStore } from '../types'

type Row = Omit<Project, 'anonymize_ips'> & { anonymize_ips: number }

const COLUMNS = 'id, name, api_token, created_at, anonymize_ips'

const toProject = (row: Row | undefined): Project | undefined => row && { ...row, anonymize_ips: row.anonymize_ips === 1 }

export class SqlProjectStore implements ProjectStore {
  private readonly byId: SqlStatement
  private readonly byTokenStatement: SqlStatement
  // Capture looks the token up on every request; hits are kept until a project changes.
  private readonly tokenCache = new Map<string, Project>()

  constructor(private readonly db: SqlConnection) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM projects WHERE id = ?`)
    this.byTokenStatement = db.prepare(`SELECT ${COLUMNS} FROM projects WHERE api_token = ?`)
  }

  create(name: string, apiToken: string = randomToken('phc_')): Project {
    const created_at = new Date().toISOString()
    const row = this.db.prepare('INSERT INTO projects (name, api_token, created_at) VALUES (?, ?, ?) RETURNING id').get(name, apiToken, created_at) as { id: number }
    return { id: row.id, name, api_token: apiToken, created_at, anonymize_ips: false }
  }

  get(id: number): Project | undefined {
    return toProject(this.byId.get(id) as Row | undefined)
  }

  byToken(apiToken: string): Project | undefined {
    const cached = this.tokenCache.get(apiToken)
    if (cached) return cached
    const project = toProject(this.byTokenStatement.get(apiToken) as Row | undefined)
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
    this.db.transaction(() => {
      this.db.prepare('UPDATE projects SET api_token = ? WHERE id = ?').run(apiToken, id)
      configChanged(this.db)
    })
    this.tokenCache.clear()
  }

  update(id: number, changes: ProjectChanges): Project | undefined {
    this.db.transaction(() => {
      if (changes.name !== undefined) this.db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(changes.name, id)
      if (changes.anonymize_ips !== undefined) this.db.prepare('UPDATE projects SET anonymize_ips = ? WHERE id = ?').run(changes.anonymize_ips ? 1 : 0, id)
      configChanged(this.db)
    })
    this.tokenCache.clear()
    return this.get(id)
  }

  forgetCached(): void {
    this.tokenCache.clear()
  }
}
