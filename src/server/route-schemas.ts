/** Fastify request schemas shared by the REST routes: malformed paths and queries never reach a handler. */

/** PostHog serves the same API under the projects and the environments paths. */
export const PROJECT_PREFIXES = ['/api/projects/:project_id', '/api/environments/:project_id']

export const projectParams = {
  type: 'object',
  properties: { project_id: { type: 'string', pattern: '^[0-9]{1,15}$' } },
  required: ['project_id'],
} as const

export const functionParams = {
  type: 'object',
  properties: { project_id: projectParams.properties.project_id, id: { type: 'string', minLength: 1, maxLength: 100 } },
  required: ['project_id', 'id'],
} as const

export const versionParams = {
  type: 'object',
  properties: { ...functionParams.properties, version_id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
  required: ['project_id', 'id', 'version_id'],
} as const

/** PostHog pages its activity log by `page` (from 1) and `limit`. */
export const activityQuery = {
  type: 'object',
  properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$' }, page: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' } },
} as const

export const templateParams = {
  type: 'object',
  properties: { project_id: projectParams.properties.project_id, template_id: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['project_id', 'template_id'],
} as const

export const listQuery = {
  type: 'object',
  properties: {
    type: { type: 'string', maxLength: 200 },
    enabled: { type: 'string', enum: ['true', 'false', '1', '0'] },
    search: { type: 'string', maxLength: 200 },
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
} as const

export const logsQuery = {
  type: 'object',
  properties: {
    level: { type: 'string', maxLength: 100 },
    search: { type: 'string', maxLength: 200 },
    after: { type: 'string', maxLength: 40 },
    before: { type: 'string', maxLength: 40 },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const

export const metricsQuery = {
  type: 'object',
  properties: { after: logsQuery.properties.after, before: logsQuery.properties.before },
} as const

export const objectBody = { type: 'object' } as const

export const jobParams = {
  type: 'object',
  properties: { ...functionParams.properties, job_id: versionParams.properties.version_id },
  required: ['project_id', 'id', 'job_id'],
} as const

/** The failed-deliveries list: its filters are read (and refused, naming the field) by the route. */
export const deliveriesQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', maxLength: 100 },
    mapping: { type: 'string', maxLength: 400 },
    reason: { type: 'string', maxLength: 100 },
    after: logsQuery.properties.after,
    before: logsQuery.properties.before,
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,12}$' },
  },
} as const
