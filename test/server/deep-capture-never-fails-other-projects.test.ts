import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/server/app'
import { GroupCommit } from '../../src/server/group-commit'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

jest.setTimeout(30_000)

let store: Store
let app: FastifyInstance
let url: string

beforeEach(async () => {
  store = openServerStore(':memory:')
  app = buildApp({ store, capture: { writer: new GroupCommit(store.events, () => {}) } })
  url = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterEach(async () => {
  await app.close()
  store.close()
})

const post = (path: string, body: string) => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels))

const LIMITS = { events: 1000, bytes: 100_000_000, eventBytes: 10_000_000 }

describe('a deeply nested capture', () => {
  it('is refused on its own while 200 concurrent captures of other projects are all stored', async () => {
    const deepProject = store.projects.create('deep')
    const others = Array.from({ length: 200 }, (_, i) => store.projects.create(`other-${i}`))
    // Written as text: JSON.stringify itself cannot go 6,000 levels down.
    const deep = `{"api_key":"${deepProject.api_token}","event":"deep","distinct_id":"d","properties":{"tree":${'['.repeat(6000)}${']'.repeat(6000)}}}`
    const good = others.map((project, i) => post('/e/', JSON.stringify({ api_key: project.api_token, event: 'Order Completed', distinct_id: `user-${i}`, uuid: `good-${i}` })))
    const [deepAnswer, ...goodAnswers] = await Promise.all([post('/e/', deep), ...good])
    expect(deepAnswer.status).toBe(400)
    expect(await deepAnswer.json()).toEqual({ type: 'validation_error', code: 'invalid_payload', detail: 'properties: nested deeper than 64 levels.', attr: 'properties' })
    expect(goodAnswers.map((r) => r.status)).toEqual(others.map(() => 200))
    const stored = others.flatMap((project) => store.events.pending(project.id, LIMITS))
    expect(stored.map((row) => row.event?.uuid).sort()).toEqual(others.map((_, i) => `good-${i}`).sort())
    expect(stored.every((row) => row.project_id === others[Number(row.event?.uuid.slice(5))].id)).toBe(true)
    expect(store.events.countPending(deepProject.id)).toBe(0)
  })

  it('names the bad event of a batch and stores the batch’s good events', async () => {
    const project = store.projects.create('mixed')
    const batch = [
      { event: 'ok', distinct_id: 'a', uuid: 'kept-1', properties: { tree: nested(60) } },
      { event: 'deep', distinct_id: 'b', uuid: 'dropped', properties: { tree: nested(65) } },
      { event: 'big', distinct_id: 'c', uuid: 'too-big', properties: { text: 'é'.repeat(600_000) } },
      { event: 'ok', distinct_id: 'd', uuid: 'kept-2', $set: { tree: nested(10) } },
    ]
    const answer = await post('/batch/', JSON.stringify({ api_key: project.api_token, batch }))
    expect(answer.status).toBe(400)
    expect(await answer.json()).toEqual({
      type: 'validation_error',
      code: 'invalid_payload',
      detail: 'batch[1].properties: nested deeper than 64 levels; batch[2]: larger than 1048576 bytes once serialised. The other 2 event(s) were stored.',
      attr: 'batch__1__properties',
    })
    expect(store.events.pending(project.id, LIMITS).map((row) => row.event?.uuid)).toEqual(['kept-1', 'kept-2'])
  })

  it('answers 503 with Retry-After, not 500, when the commit itself fails', async () => {
    const project = store.projects.create('busy')
    jest.spyOn(store.events, 'appendGroups').mockImplementationOnce(() => {
      throw new Error('SQLITE_FULL: database or disk is full')
    })
    const answer = await post('/e/', JSON.stringify({ api_key: project.api_token, event: 'x', distinct_id: 'a' }))
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toBe('30')
    expect(await answer.json()).toEqual({ type: 'server_error', code: 'storage_unavailable', detail: 'The events could not be stored; try again later.', attr: null })
    expect((await post('/e/', JSON.stringify({ api_key: project.api_token, event: 'x', distinct_id: 'a' }))).status).toBe(200)
  })
})
