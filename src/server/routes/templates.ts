import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/types'
import { loadTemplate } from '../../template/load'
import { authenticate, authorize } from '../auth'
import { notFound } from '../errors'
import { projectParams } from '../route-schemas'

const PREFIXES = ['/api/projects/:project_id', '/api/environments/:project_id']

/** This destination's template, in the shape of PostHog's hog_function_templates API. */
export function registerTemplateRoutes(app: FastifyInstance, store: Store): void {
  const template = loadTemplate()
  const presented = { ...template, mapping_templates: template.mapping_templates.map((m) => ({ ...m, inputs: undefined })) }
  const check = (params: unknown, headers: Parameters<typeof authenticate>[0]) => {
    const key = authenticate(headers, store.keys)
    authorize(key, Number((params as { project_id: string }).project_id), 'hog_function:read')
  }
  for (const prefix of PREFIXES) {
    app.get(`${prefix}/hog_function_templates`, { schema: { params: projectParams } }, async (request) => {
      check(request.params, request)
      return { count: 1, next: null, previous: null, results: [presented] }
    })
    app.get(`${prefix}/hog_function_templates/:template_id`, async (request) => {
      check(request.params, request)
      if ((request.params as { template_id: string }).template_id !== template.id) throw notFound()
      return presented
    })
  }
}
