import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ConfigError } from '../../errors'
import type { Project, Store } from '../../store/types'
import { authorizedProject } from '../auth'
import { notFound, validationError } from '../errors'
import { objectBody, PROJECT_PREFIXES, projectParams } from '../route-schemas'

// DRF's messages for these field types; fields PostHog has and this server does not are ignored, as DRF does.
const ProjectPatchSchema = z
  .object({
    name: z.string({ error: 'Not a valid string.' }).trim().min(1, { error: 'This field may not be blank.' }).max(200, { error: 'Ensure this field has no more than 200 characters.' }).optional(),
    anonymize_ips: z.boolean({ error: 'Must be a valid boolean.' }).optional(),
  })
  .strip()

type ProjectPatch = z.infer<typeof ProjectPatchSchema>

function parsePatch(body: unknown): ProjectPatch {
  const result = ProjectPatchSchema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw validationError(new ConfigError(issue.path.map(String).join('.') || 'body', issue.message))
}

const present = (project: Project) => ({
  id: project.id,
  name: project.name,
  api_token: project.api_token,
  anonymize_ips: project.anonymize_ips,
  created_at: project.created_at,
})

/** A project's settings, as PostHog's projects (and environments) endpoint shows them. */
export function registerProjectRoutes(app: FastifyInstance, store: Store): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.get(prefix, { schema: { params: projectParams } }, async (request) => {
      const project = store.projects.get(authorizedProject(request, store.keys, 'project:read'))
      if (!project) throw notFound()
      return present(project)
    })
    app.patch(prefix, { schema: { params: projectParams, body: objectBody } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'project:write')
      const changes = parsePatch(request.body)
      const project = store.projects.update(projectId, changes)
      if (!project) throw notFound()
      return present(project)
    })
  }
}
