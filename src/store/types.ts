/**
 * Storage interfaces of the pipelines server. The SQLite adapter (src/store/sqlite/) implements
 * them; SQL stays there, so that another database can follow behind the same interfaces.
 */

export interface Project {
  id: number
  name: string
  /** The public token capture requests carry (`api_key` / `token`). */
  api_token: string
  created_at: string
}

export type Scope = 'hog_function:read' | 'hog_function:write'
export const SCOPES: readonly Scope[] = ['hog_function:read', 'hog_function:write']

export interface ApiKey {
  id: string
  project_id: number
  label: string
  scopes: Scope[]
  created_at: string
}

/** A hog function as stored: secret input values live apart from the others and are never returned. */
export interface StoredFunction {
  id: string
  project_id: number
  type: 'destination'
  name: string
  description: string
  enabled: boolean
  deleted: boolean
  template_id: string
  inputs: Record<string, { value: unknown }>
  secrets: Record<string, string>
  mappings: unknown[] | null
  filters: unknown
  created_at: string
  updated_at: string
}

export interface FunctionQuery {
  type?: string[]
  enabled?: boolean
  search?: string
  limit: number
  offset: number
}

export interface ProjectStore {
  create(name: string, apiToken?: string): Project
  get(id: number): Project | undefined
  byToken(apiToken: string): Project | undefined
  count(): number
}

export interface KeyStore {
  /** Returns the new key in clear once; only its hash is kept. */
  create(projectId: number, scopes: Scope[], label: string, key?: string): { key: string; record: ApiKey }
  find(key: string): ApiKey | undefined
}

export interface FunctionStore {
  list(projectId: number, query: FunctionQuery): { count: number; results: StoredFunction[] }
  get(projectId: number, id: string): StoredFunction | undefined
  insert(fn: Omit<StoredFunction, 'created_at' | 'updated_at'>): StoredFunction
  update(fn: Omit<StoredFunction, 'created_at' | 'updated_at'>): StoredFunction
  /** Enabled, not deleted functions of every project: what the worker runs. */
  active(): StoredFunction[]
}

export interface Store {
  projects: ProjectStore
  keys: KeyStore
  functions: FunctionStore
  close(): void
}
