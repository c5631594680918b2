import type { FastifyRequest } from 'fastify'
import type { ApiKey, KeyStore, Scope } from '../store/types'
import { notAuthenticated, permissionDenied } from './errors'

/** The key of a request (Authorization: Bearer <personal API key>), or a 401. */
export function authenticate(request: FastifyRequest, keys: KeyStore): ApiKey {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (!match) throw notAuthenticated('Authentication credentials were not provided.')
  const key = keys.find(match[1])
  if (!key) throw notAuthenticated('Invalid personal API key.')
  // Looked up on every request (no cache), so a key revoked from the CLI stops working at once.
  keys.recordUse(key.id, Date.now())
  return key
}

/** A key acts only inside its own project and only with the scopes it was given. */
export function authorize(key: ApiKey, projectId: number, scope: Scope): void {
  if (key.project_id !== projectId) throw permissionDenied("You don't have access to the project.")
  if (!key.scopes.includes(scope)) throw permissionDenied(`This action requires the scope '${scope}'.`)
}

/** The project in the request's path, once its key may act there with `scope`; a 401 or 403 otherwise. */
export function authorizedProject(request: FastifyRequest, keys: KeyStore, scope: Scope): number {
  const key = authenticate(request, keys)
  const projectId = Number((request.params as { project_id: string }).project_id)
  authorize(key, projectId, scope)
  return projectId
}
