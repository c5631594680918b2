/** One problem of a PostHog error body. */
export interface ApiProblem {
  code: string
  detail: string
  attr: string | null
}

/** A PostHog error answer (`{type, code, detail, attr, errors}`), or a failure that had no such body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    readonly attr: string | null,
    /** Every problem the server found; at least the first one. */
    readonly problems: ApiProblem[],
    detail: string,
  ) {
    super(detail)
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback)

function problemOf(value: unknown): ApiProblem | undefined {
  if (!isRecord(value) || typeof value.detail !== 'string') return undefined
  return { code: text(value.code, 'error'), detail: value.detail, attr: typeof value.attr === 'string' ? value.attr : null }
}

/** The typed error of an answer with status `status` and (parsed JSON) body `body`, whatever its shape. */
export function toApiError(status: number, body: unknown): ApiError {
  const first = problemOf(body) ?? { code: 'http_error', detail: `The server answered ${status}.`, attr: null }
  const listed = isRecord(body) && Array.isArray(body.errors) ? body.errors.map(problemOf).filter((p): p is ApiProblem => p !== undefined) : []
  const problems = listed.length > 0 ? listed : [first]
  const type = isRecord(body) ? text(body.type, 'http_error') : 'http_error'
  return new ApiError(status, type, first.code, first.attr, problems, first.detail)
}

/** What `GET`/`POST /api/ui/session` answer. */
export interface Session {
  project_id: number
  project_name: string
  key_label: string
  scopes: string[]
  csrf_token: string
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
type Fetch = (url: string, init: RequestInit) => Promise<Response>

/**
 * The page's only way to the server: same-origin JSON with the session cookie, the CSRF token on every
 * state-changing call, and PostHog's error bodies turned into ApiError.
 */
export class ApiClient {
  private csrfToken: string | null = null
  projectId: number | null = null

  constructor(private readonly fetchImpl: Fetch = (url, init) => fetch(url, init)) {}

  useSession(session: Session | null): void {
    this.csrfToken = session?.csrf_token ?? null
    this.projectId = session?.project_id ?? null
  }

  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'GET' && this.csrfToken) headers['X-CSRFToken'] = this.csrfToken
    const init: RequestInit = { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) }
    const response = await this.fetchImpl(path, init)
    const raw = await response.text()
    let parsed: unknown = null
    try {
      parsed = raw === '' ? null : JSON.parse(raw)
    } catch {
      parsed = null
    }
    if (!response.ok) throw toApiError(response.status, parsed)
    return parsed as T
  }

  /** A path under the signed-in project: `project('hog_functions/')` → `/api/projects/1/hog_functions/`. */
  project(path: string): string {
    if (this.projectId === null) throw new Error('Not signed in.')
    return `/api/projects/${this.projectId}/${path}`
  }

  async signIn(personalApiKey: string): Promise<Session> {
    const session = await this.request<Session>('POST', '/api/ui/session', { personal_api_key: personalApiKey })
    this.useSession(session)
    return session
  }

  /** The current session, or null when there is none (401). */
  async currentSession(): Promise<Session | null> {
    try {
      const session = await this.request<Session>('GET', '/api/ui/session')
      this.useSession(session)
      return session
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null
      throw error
    }
  }

  async signOut(): Promise<void> {
    await this.request('DELETE', '/api/ui/session')
    this.useSession(null)
  }
}
