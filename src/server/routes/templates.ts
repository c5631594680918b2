import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/types'
import { loadTemplate } from '../../template/load'
import { authorizedProject } from '../auth'
import { notFound } from '../errors'
import { PROJECT_PREFIXES, projectParams, templateParams } from '../route-schemas'

/** This destination's template, in the shape of PostHog's hog_function_templates API. */
export function registerTemplateRoutes(app: FastifyInstance, store: Store): void {
  const template = loadTemplate()
  const presented = { ...template, mapping_templates: template.mapping_templates.map((m) => ({ ...m, inputs: undefined })) }
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_function_templates`, { schema: { params: projectParams } }, async (request) => {
      authorizedProject(request, store.keys, 'hog_function:read')
      return { count: 1, next: null, previous: null, results: [presented] }
    })
    app.get(`${prefix}/hog_function_templates/:template_id`, { schema: { params: templateParams } }, async (request) => {
      authorizedProject(request, store.keys, 'hog_function:read')
      if ((request.params as { template_id: string }).template_id !== template.id) throw notFound()
      return presented
    })
  }
}
