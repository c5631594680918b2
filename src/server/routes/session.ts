import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { ConfigError } from '../../errors'
import type { Project, Store, UiSession } from '../../store/types'
import { checkCsrf, SESSION_COOKIE, sessionOf } from '../auth'
import { ApiError, notAuthenticated, validationError } from '../errors'
import { objectBody } from '../route-schemas'

/** Failed sign-ins allowed per client address within a window; then every sign-in from it waits. */
export interface SignInThrottle {
  failures: number
  windowMs: number
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottle = { failures: 20, windowMs: 10 * 60_000 }

// Enough addresses for any real use; past it the oldest are forgotten, so memory stays bounded.
const MAX_TRACKED_ADDRESSES = 10_000

const SignInSchema = z.object({
  personal_api_key: z
    .string({ error: (issue) => (issue.input === undefined ? 'This field is required.' : 'Not a valid string.') })
    .min(1, { error: 'This field may not be blank.' })
    .max(500, { error: 'Ensure this field has no more than 500 characters.' }),
})

/** Counts failed sign-ins per address in fixed windows. */
class FailedSignIns {
  private readonly windows = new Map<string, { startedMs: number; count: number }>()

  constructor(private readonly limits: SignInThrottle) {}

  /** Seconds until `address` may try again, or 0. */
  waitSeconds(address: string, nowMs: number): number {
    const window = this.windows.get(address)
    if (!window || nowMs - window.startedMs >= this.limits.windowMs || window.count < this.limits.failures) return 0
    return Math.ceil((window.startedMs + this.limits.windowMs - nowMs) / 1000)
  }

  record(address: string, nowMs: number): void {
    const window = this.windows.get(address)
    if (window && nowMs - window.startedMs < this.limits.windowMs) window.count++
    else {
      this.windows.delete(address)
      if (this.windows.size >= MAX_TRACKED_ADDRESSES) this.windows.delete(this.windows.keys().next().value as string)
      this.windows.set(address, { startedMs: nowMs, count: 1 })
    }
  }
}

const sessionBody = (session: UiSession, project: Project | undefined) => ({
  project_id: session.key.project_id,
  project_name: project?.name ?? '',
  key_label: session.key.label,
  scopes: session.key.scopes,
  csrf_token: session.csrf_token,
})

function cookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : ''
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}${secure}`
}

function parseSignIn(body: unknown): string {
  const result = SignInSchema.safeParse(body)
  if (result.success) return result.data.personal_api_key
  const issue = result.error.issues[0]
  throw validationError(new ConfigError(issue.path.map(String).join('.') || 'body', issue.message))
}

const invalidKey = () => new ApiError(401, { type: 'authentication_error', code: 'invalid_api_key', detail: 'This personal API key is not valid: check that it was copied whole.', attr: null })

// The answers hold the CSRF token: no cache keeps them.
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

/**
 * The page's sign-in: a personal API key is exchanged for a session cookie (HttpOnly, SameSite=Strict)
 * and a CSRF token; the key itself stays out of the browser's storage.
 */
export function registerSessionRoutes(app: FastifyInstance, store: Store, throttle: SignInThrottle = DEFAULT_SIGN_IN_THROTTLE): void {
  const failures = new FailedSignIns(throttle)
  app.decorate('uiSessions', store.sessions)
  app.post('/api/ui/session', { schema: { body: objectBody } }, async (request, reply) => {
    noStore(reply)
    const nowMs = Date.now()
    const wait = failures.waitSeconds(request.ip, nowMs)
    if (wait > 0) throw new ApiError(429, { type: 'throttled_error', code: 'throttled', detail: `Too many failed sign-ins: try again in ${wait} seconds.`, attr: null }, wait)
    const key = store.keys.find(parseSignIn(request.body))
    if (!key) {
      failures.record(request.ip, nowMs)
      throw invalidKey()
    }
    store.keys.recordUse(key.id, nowMs)
    const { id, session } = store.sessions.create(key.id, nowMs)
    reply.header('set-cookie', cookie(request, id, Math.floor((session.expires_at - nowMs) / 1000)))
    return sessionBody(session, store.projects.get(key.project_id))
  })
  app.get('/api/ui/session', async (request, reply) => {
    noStore(reply)
    const found = sessionOf(request)
    if (!found) throw notAuthenticated('Not signed in.')
    return sessionBody(found.session, store.projects.get(found.session.key.project_id))
  })
  app.delete('/api/ui/session', async (request, reply) => {
    noStore(reply)
    const found = sessionOf(request)
    if (found) {
      checkCsrf(request, found.session)
      store.sessions.delete(found.id)
    }
    reply.header('set-cookie', cookie(request, '', 0))
    return reply.code(204).send()
  })
}
