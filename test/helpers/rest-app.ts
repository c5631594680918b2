import type { FastifyInstance } from 'fastify'
import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import type { Store } from '../../src/store/types'
import { openServerStore } from './server-store'

export const TEMPLATE_ID = 'segment-actions-pinterest-conversions-api'
export const VALID_INPUTS = { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_the_real_conversion_token' } }

export interface RestApp {
  base: string
  key: string
  /** A Pinterest destination created with VALID_INPUTS before the tests run. */
  functionId: string
  call(method: 'POST' | 'PATCH', url: string, payload: unknown): Promise<{ status: number; text: string; body: any }>
}

/** The REST API on an in-memory store (a fresh Postgres database with TEST_STORE=postgres), listening on a free port for the tests of one file, with one destination. */
export function useRestAppWithOneFunction(): RestApp {
  let store: Store
  let app: FastifyInstance
  const rest: RestApp = {
    base: '',
    key: '',
    functionId: '',
    async call(method, url, payload) {
      const headers = { authorization: `Bearer ${rest.key}`, 'content-type': 'application/json' }
      const response = await fetch(`${rest.base}${url}`, { method, headers, body: JSON.stringify(payload) })
      const text = await response.text()
      return { status: response.status, text, body: JSON.parse(text) }
    },
  }
  beforeAll(async () => {
    await loadHogParser()
    store = openServerStore(':memory:')
    const project = store.projects.create('Acme')
    rest.key = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'test').key
    app = buildApp({ store })
    rest.base = await app.listen({ host: '127.0.0.1', port: 0 })
    rest.functionId = (await rest.call('POST', '/api/projects/1/hog_functions/', { template_id: TEMPLATE_ID, inputs: VALID_INPUTS })).body.id
  })
  afterAll(async () => {
    await app.close()
    store.close()
  })
  return rest
}
