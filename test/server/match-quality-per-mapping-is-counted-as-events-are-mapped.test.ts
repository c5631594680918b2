import type { MappingQuality } from '../../src/server/match-quality'
import { addProject, createFunction, firstProject, type Setup, startPipeline, type TestProject } from '../helpers/pipeline-server'
import { captureMatchQualityEvents } from '../helpers/match-quality-events'

jest.setTimeout(60_000)

let setup: Setup
let functionId: string
let other: TestProject

interface Answer {
  score: number | null
  mappings: MappingQuality[]
  results: { id: string; score: number | null; events: number }[]
  attr?: string
}

async function get(path: string, project: TestProject = firstProject) {
  const response = await fetch(`${setup.server.url}${path}`, { headers: { authorization: `Bearer ${project.key}` } })
  return { status: response.status, body: (await response.json()) as Answer }
}

const mappingOf = (body: Answer, name: string) => body.mappings.find((m) => m.mapping === name) as MappingQuality

beforeAll(async () => {
  setup = await startPipeline('pipelines-quality-')
  functionId = await createFunction(setup.server, firstProject)
  other = addProject(setup.server, 'other')
  await captureMatchQualityEvents(setup.server)
  const started = Date.now()
  while (setup.server.store.events.countPending() > 0 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 25))
})

afterAll(() => setup?.close())

describe('match quality per mapping', () => {
  it('gives the share of sent events carrying each key, the skips by reason and the score', async () => {
    const { status, body } = await get(`/api/projects/1/hog_functions/${functionId}/quality/`)
    expect(status).toBe(200)
    const checkout = mappingOf(body, 'Checkout')
    expect(checkout).toMatchObject({ mapping: 'Checkout', events: 5, sent: 4, skipped: { total: 1, share: 0.2, reasons: { no_identifier: 1 } }, score: 42 })
    expect(checkout.keys).toEqual({
      em: 0.5,
      ph: 0.25,
      fn: 0,
      ln: 0,
      ge: 0,
      db: 0,
      ct: 0,
      st: 0,
      zp: 0,
      country: 0,
      external_id: 1,
      hashed_maids: 0,
      client_ip_address: 1,
      client_user_agent: 1,
      click_id: 0.25,
      partner_id: 0,
      client_ip_address_and_client_user_agent: 1,
    })
    const pageVisit = mappingOf(body, 'Page Visit')
    expect(pageVisit).toMatchObject({ events: 3, sent: 1, skipped: { total: 2, share: 0.6667, reasons: { no_identifier: 1, event_time_too_old: 1 } }, score: 10 })
    expect(body.mappings.map((m) => m.mapping)).toEqual(['Checkout', 'Page Visit'])
    // (42 × 5 + 10 × 3) / 8 events
    expect(body.score).toBe(30)
  })

  it('advises per key, with the share lacking it and what to do in PostHog', async () => {
    const { body } = await get(`/api/environments/1/hog_functions/${functionId}/quality/?after=-1d`)
    const checkout = mappingOf(body, 'Checkout')
    expect(checkout.advice).toEqual([
      '20% of Checkout events were skipped: they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js.',
      '50% of Checkout events have no email: identify users with `$identify` and an `email` person property.',
      '75% of Checkout events have no Pinterest click id: keep the `epik` parameter of Pinterest ad links: `posthog.register({ epik })` on landing, or an `epik` person property with `$set_once`.',
      '75% of Checkout events have no phone number: set a `phone` person property with `$identify` or `$set`.',
      '100% of Checkout events have no first and last name: set `first_name` and `last_name` person properties with `$identify` or `$set`.',
      '100% of Checkout events have no postal code: set a `zip` person property with `$set`.',
    ])
    const pageVisit = mappingOf(body, 'Page Visit')
    expect(pageVisit.advice.slice(0, 3)).toEqual([
      '33% of Page Visit events were skipped: they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js.',
      '33% of Page Visit events were skipped: they were older than 7 days; send events as they happen, Pinterest takes none older.',
      '100% of Page Visit events have no email: identify users with `$identify` and an `email` person property.',
    ])
  })

  it('lists one score per destination of the project in one call', async () => {
    const { status, body } = await get('/api/projects/1/hog_functions/quality/')
    expect(status).toBe(200)
    expect(body.results).toEqual([{ id: functionId, score: 30, events: 8 }])
    expect((await get(`/api/projects/${other.id}/hog_functions/quality/`, other)).body.results).toEqual([])
  })

  it("answers 404 for another project's function and 400 naming a bad after or before", async () => {
    expect((await get(`/api/projects/${other.id}/hog_functions/${functionId}/quality/`, other)).status).toBe(404)
    const badAfter = await get(`/api/projects/1/hog_functions/${functionId}/quality/?after=yesterday`)
    expect(badAfter.status).toBe(400)
    expect(badAfter.body).toMatchObject({ attr: 'after' })
    expect(JSON.stringify(badAfter.body)).not.toContain('yesterday')
    const badBefore = await get('/api/projects/1/hog_functions/quality/?before=-99999999999999d')
    expect(badBefore).toMatchObject({ status: 400, body: { attr: 'before' } })
  })

  it('counts nothing in a period before the events were mapped', async () => {
    const { body } = await get(`/api/projects/1/hog_functions/${functionId}/quality/?after=-30d&before=-7d`)
    expect(body).toMatchObject({ score: null, mappings: [] })
  })
})
