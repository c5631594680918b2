import { addProject, capture, createFunction, firstProject, order, type Setup, startPipeline, type TestProject, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
beforeAll(async () => {
  setup = await startPipeline('failed-list-')
})
afterAll(async () => setup.close())

async function api(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, project: TestProject = firstProject): Promise<{ status: number; body: any }> {
  const response = await fetch(`${setup.server.url}/api/projects/${project.id}/${url}`, {
    method,
    headers: { authorization: `Bearer ${project.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

const checkout = (eventName: string) => ({ name: 'Checkout', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: { event_name: { value: eventName } } })
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function jobUntil(fnId: string, jobId: string, done: (job: any) => boolean): Promise<any> {
  let job: any
  for (const started = Date.now(); Date.now() - started < 30_000; await pause(50)) {
    job = (await api('GET', `hog_functions/${fnId}/jobs/${jobId}/`)).body
    if (done(job)) return job
  }
  throw new Error(`job not finished in time: ${JSON.stringify(job)}`)
}

describe('failed deliveries of a destination', () => {
  let fnId: string
  const uuids = ['fail-order-1', 'fail-order-2', 'fail-order-3']

  beforeAll(async () => {
    fnId = await createFunction(setup.server, firstProject, { mappings: [checkout('checkout')] })
    await pause(700)
    setup.emulator.setFaults({ fail_event_ids: uuids })
    for (const uuid of uuids) await capture(setup.server, firstProject, [order(uuid)])
    expect(await until(() => setup.server.store.deliveries.counts().failed === 3, 20_000)).toBe(true)
  })

  it('are listed newest first with their event, last error, attempts and reason counts', async () => {
    const { status, body } = await api('GET', `hog_functions/${fnId}/deliveries/`)
    expect(status).toBe(200)
    expect(body.count).toBe(3)
    expect(body.next).toBeNull()
    expect(body.results.map((d: any) => d.event_id)).toEqual(['fail-order-3', 'fail-order-2', 'fail-order-1'])
    expect(body.results[0]).toEqual({
      id: expect.any(Number),
      status: 'failed',
      reason: 'rejected',
      last_error: 'emulated failure',
      attempts: 1,
      mapping: 'Checkout',
      event_id: 'fail-order-3',
      event_name: 'checkout',
      event_uuid: 'fail-order-3',
      distinct_id: 'person-fail-order-3',
      first_seen_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      event: { uuid: 'fail-order-3', event: 'Order Completed', distinct_id: 'person-fail-order-3', timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      payload: expect.objectContaining({ event_name: 'checkout', event_id: 'fail-order-3', action_source: 'web' }),
      replayable: true,
      not_replayable_reason: null,
      replay_job_id: null,
    })
    expect(body.reasons).toEqual([{ reason: 'rejected', label: 'Pinterest rejected the event', count: 3 }])
  })

  it('are filtered by mapping, reason, status and time, and paged', async () => {
    const count = async (query: string) => (await api('GET', `hog_functions/${fnId}/deliveries/?${query}`)).body.count
    expect(await count('mapping=Checkout')).toBe(3)
    expect(await count('mapping=Lead')).toBe(0)
    expect(await count('reason=rejected')).toBe(3)
    expect(await count('reason=gave_up')).toBe(0)
    expect(await count('status=gave_up')).toBe(0)
    expect(await count('status=failed,gave_up')).toBe(3)
    expect(await count(`after=${new Date(Date.now() - 3_600_000).toISOString()}`)).toBe(3)
    expect(await count(`before=${new Date(Date.now() - 3_600_000).toISOString()}`)).toBe(0)
    const page = (await api('GET', `hog_functions/${fnId}/deliveries/?limit=2`)).body
    expect(page.results.map((d: any) => d.event_id)).toEqual(['fail-order-3', 'fail-order-2'])
    expect(new URL(page.next).searchParams.get('offset')).toBe('2')
    // The reasons menu ignores the reason filter, so the page can offer the others.
    expect((await api('GET', `hog_functions/${fnId}/deliveries/?reason=gave_up`)).body.reasons).toEqual([{ reason: 'rejected', label: 'Pinterest rejected the event', count: 3 }])
  })

  it('answer a bad filter with a 400 naming it, and another project with a 404', async () => {
    for (const [query, attr] of [
      ['status=lost', 'status'],
      ['reason=stolen', 'reason'],
      ['after=yesterday', 'after'],
      ['before=soon', 'before'],
    ]) {
      const { status, body } = await api('GET', `hog_functions/${fnId}/deliveries/?${query}`)
      expect([status, body.type, body.attr]).toEqual([400, 'validation_error', attr])
      expect(JSON.stringify(body)).not.toContain(query.split('=')[1])
    }
    const other = addProject(setup.server, 'other')
    expect((await api('GET', `hog_functions/${fnId}/deliveries/`, undefined, other)).status).toBe(404)
    expect((await api('POST', `hog_functions/${fnId}/replays/`, { filter: {} }, other)).status).toBe(404)
  })

  it('are replayed with the mapping as fixed since (same event_id), as a pollable job; a second replay meanwhile is a 409', async () => {
    expect((await api('PATCH', `hog_functions/${fnId}/`, { mappings: [checkout('lead')] })).status).toBe(200)
    // The replay's sends wait on the emulator a moment, so the job is still running for the second replay.
    setup.emulator.setFaults({ latency_ms: 1500 })
    const listed = (await api('GET', `hog_functions/${fnId}/deliveries/`)).body.results.map((d: any) => d.id)
    const created = await api('POST', `hog_functions/${fnId}/replays/`, { filter: { mapping: 'Checkout' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      kind: 'replay',
      status: 'running',
      total: 3,
      done: 0,
      failed: 0,
      left: 3,
      range: null,
      finished_at: null,
      created_by: { key_id: expect.any(String), label: expect.any(String) },
    })
    const jobId = created.body.id

    const second = await api('POST', `hog_functions/${fnId}/replays/`, { delivery_ids: [listed[0]] })
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({ type: 'validation_error', code: 'conflict', attr: 'delivery_ids', detail: `1 of these deliveries are already being replayed by job ${jobId}` })
    const held = (await api('GET', `hog_functions/${fnId}/deliveries/`)).body.results[0]
    expect([held.replay_job_id, held.replayable, held.not_replayable_reason]).toEqual([jobId, false, `being replayed by job ${jobId}`])

    const finished = await jobUntil(fnId, jobId, (job) => job.status === 'completed')
    expect(finished).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0, left: 0, failures: [], finished_at: expect.stringMatching(/^\d{4}-/) })
    const received = setup.emulator
      .accepted()
      .filter((e) => uuids.includes(e.event_id))
      .map((e) => [e.event_id, e.event_name])
      .sort()
    expect(received).toEqual(uuids.map((id) => [id, 'lead']))
    // Replayed and delivered: no longer listed as failed.
    expect((await api('GET', `hog_functions/${fnId}/deliveries/`)).body.count).toBe(0)
    expect((await api('GET', `hog_functions/${fnId}/jobs/`)).body.results.map((j: any) => [j.id, j.status])).toEqual([[jobId, 'completed']])
    setup.emulator.setFaults({})
  })

  it('answer a bad replay body with a 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'delivery_ids'],
      [{ delivery_ids: [1], filter: {} }, 'delivery_ids'],
      [{ delivery_ids: [] }, 'delivery_ids'],
      [{ delivery_ids: ['x'] }, 'delivery_ids__0'],
      [{ delivery_ids: [999_999] }, 'delivery_ids'],
      [{ filter: { reason: 'nope' } }, 'filter__reason'],
      [{ filter: { status: 'gone' } }, 'filter__status'],
      [{ filter: { mapping: 'Checkout' } }, 'filter'],
    ]
    for (const [body, attr] of cases) {
      const answer = await api('POST', `hog_functions/${fnId}/replays/`, body)
      expect([JSON.stringify(body), answer.status, answer.body.attr]).toEqual([JSON.stringify(body), 400, attr])
    }
  })
})
