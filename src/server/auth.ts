import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Actor, ApiKey, KeyStore, Scope, SessionStore, UiSession } from '../store/types'
import { ApiError, notAuthenticated, permissionDenied } from './errors'

declare module 'fastify' {
  interface FastifyInstance {
    /** The page's sessions: a request without an Authorization header may carry one in its cookie. */
    uiSessions?: SessionStore
  }
}

/** The cookie that carries the page's session (HttpOnly: page scripts never see it). */
export const SESSION_COOKIE = 'pcapi_session'

/** PostHog's header for the CSRF token of a session. */
export const CSRF_HEADER = 'x-csrftoken'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** The value of one cookie of the request, or undefined. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie
  if (typeof header !== 'string') return undefined
  for (const part of header.split(';')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim() || undefined
  }
  return undefined
}

/** The session of the request's cookie, while it lasts and its key exists. */
export function sessionOf(request: FastifyRequest): { id: string; session: UiSession } | undefined {
  const id = readCookie(request, SESSION_COOKIE)
  const session = id === undefined ? undefined : request.server.uiSessions?.find(id, Date.now())
  return id !== undefined && session ? { id, session } : undefined
}

// Hashed first, so that the comparison takes the same time whatever the lengths.
const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())

/** A state-changing request made with the session's cookie also carries its CSRF token, else a 403. */
export function checkCsrf(request: FastifyRequest, session: UiSession): void {
  if (!STATE_CHANGING.has(request.method)) return
  const given = request.headers[CSRF_HEADER]
  if (typeof given === 'string' && sameSecret(given, session.csrf_token)) return
  throw new ApiError(403, { type: 'authentication_error', code: 'csrf_failed', detail: `CSRF failed: a request made with the session needs the ${CSRF_HEADER} header of the session.`, attr: null })
}

/**
 * The key of a request: `Authorization: Bearer <personal API key>`, or else the page's session cookie (the
 * key that signed in), with its CSRF token on state-changing methods; a 401 or 403 otherwise.
 */
export function authenticate(request: FastifyRequest, keys: KeyStore): ApiKey {
  const header = request.headers.authorization
  const key = header === undefined && readCookie(request, SESSION_COOKIE) !== undefined ? sessionKey(request) : bearerKey(header, keys)
  // Looked up on every request (no cache), so a key revoked from the CLI stops working at once.
  keys.recordUse(key.id, Date.now())
  return key
}

function bearerKey(header: string | undefined, keys: KeyStore): ApiKey {
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match) throw notAuthenticated('Authentication credentials were not provided.')
  const key = keys.find(match[1])
  if (!key) throw notAuthenticated('Invalid personal API key.')
  return key
}

function sessionKey(request: FastifyRequest): ApiKey {
  const found = sessionOf(request)
  if (!found) throw notAuthenticated('The session has ended: sign in again.')
  checkCsrf(request, found.session)
  return found.session.key
}

/** A key acts only inside its own project and only with the scopes it was given. */
export function authorize(key: ApiKey, projectId: number, scope: Scope): void {
  if (key.project_id !== projectId) throw permissionDenied("You don't have access to the project.")
  if (!key.scopes.includes(scope)) throw permissionDenied(`This action requires the scope '${scope}'.`)
}

/** The project in the request's path and the key acting there, once it may with `scope`; a 401 or 403 otherwise. */
export function authorizedRequest(request: FastifyRequest, keys: KeyStore, scope: Scope): { projectId: number; actor: Actor } {
  const key = authenticate(request, keys)
  const projectId = Number((request.params as { project_id: string }).project_id)
  authorize(key, projectId, scope)
  return { projectId, actor: { key_id: key.id, label: key.label } }
}

/** The project in the request's path, once its key may act there with `scope`; a 401 or 403 otherwise. */
export function authorizedProject(request: FastifyRequest, keys: KeyStore, scope: Scope): number {
  return authorizedRequest(request, keys, scope).projectId
}
