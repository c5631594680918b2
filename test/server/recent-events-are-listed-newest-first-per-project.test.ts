import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/server/app'
import { type CapturedEvent, SCOPES, type Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

let store: Store
let app: FastifyInstance
let key: string
let otherKey: string

const event = (n: number, name = 'Order Completed'): CapturedEvent => ({
  uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  event: name,
  distinct_id: `person-${n}`,
  properties: { revenue: n, $current_url: 'https://shop.example/checkout' },
  timestamp: new Date(Date.UTC(2026, 10, 1, 12, 0, n % 60)).toISOString(),
})

beforeAll(() => {
  store = openServerStore(':memory:')
  store.projects.create('Shop', 'phc_events_shop')
  store.projects.create('Other', 'phc_events_other')
  key = store.keys.create(1, ['hog_function:read'], 'reader').key
  otherKey = store.keys.create(2, [...SCOPES], 'other').key
  store.events.append(1, [event(1), event(2, 'Products Searched'), event(3)])
  store.events.append(2, [event(90, 'Other Project Event')])
  store.events.append(1, [event(4, 'Product Added')])
  app = buildApp({ store })
})

afterAll(async () => {
  await app.close()
  store.close()
})

const list = async (url: string, bearer = key) => {
  const answer = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${bearer}` } })
  return { status: answer.statusCode, body: answer.json() }
}

const names = (body: { results: { event: string }[] }) => body.results.map((e) => e.event)

describe('GET /api/projects/:id/events/', () => {
  it("lists the project's stored events newest first, in PostHog's shape", async () => {
    const { status, body } = await list('/api/projects/1/events/')
    expect(status).toBe(200)
    expect(names(body)).toEqual(['Product Added', 'Order Completed', 'Products Searched', 'Order Completed'])
    expect(body.next).toBeNull()
    expect(body.results[0]).toEqual({
      id: event(4).uuid,
      uuid: event(4).uuid,
      event: 'Product Added',
      distinct_id: 'person-4',
      properties: { revenue: 4, $current_url: 'https://shop.example/checkout' },
      timestamp: '2026-11-01T12:00:04.000Z',
    })
  })

  it('takes a limit and an event name, under the environments path too', async () => {
    expect(names((await list('/api/projects/1/events/?limit=2')).body)).toEqual(['Product Added', 'Order Completed'])
    const orders = (await list('/api/environments/1/events/?event=Order%20Completed')).body
    expect(orders.results.map((e: CapturedEvent) => e.distinct_id)).toEqual(['person-3', 'person-1'])
    expect((await list('/api/projects/1/events/?event=Nothing%20Like%20It')).body.results).toEqual([])
  })

  it('answers 100 events by default and at most 1000', async () => {
    const many = openServerStore(':memory:')
    many.projects.create('Busy', 'phc_events_busy')
    const busyKey = many.keys.create(1, ['hog_function:read'], 'reader').key
    many.events.append(
      1,
      Array.from({ length: 1005 }, (_, i) => event(i + 1)),
    )
    const busy = buildApp({ store: many })
    try {
      const count = async (query: string) => (await busy.inject({ method: 'GET', url: `/api/projects/1/events/${query}`, headers: { authorization: `Bearer ${busyKey}` } })).json().results.length
      expect(await count('')).toBe(100)
      expect(await count('?limit=1000')).toBe(1000)
    } finally {
      await busy.close()
      many.close()
    }
  })

  it.each(['0', '1001', '-1', 'abc', '2.5', '99999999999999999999'])('answers limit=%s with a 400 naming limit', async (limit) => {
    const { status, body } = await list(`/api/projects/1/events/?limit=${limit}`)
    expect(status).toBe(400)
    expect(body).toMatchObject({ type: 'validation_error', attr: 'limit' })
  })

  it("shows no other project's events", async () => {
    const { body } = await list('/api/projects/2/events/', otherKey)
    expect(names(body)).toEqual(['Other Project Event'])
    expect(names((await list('/api/projects/1/events/')).body)).not.toContain('Other Project Event')
    const denied = await list('/api/projects/1/events/', otherKey)
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({ code: 'permission_denied' })
    expect((await app.inject({ method: 'GET', url: '/api/projects/1/events/' })).statusCode).toBe(401)
  })
})
