import { capture, createFunction, firstProject, order, type Setup, setEnabled, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

const DAY_MS = 86_400_000
let setup: Setup
beforeAll(async () => {
  setup = await startPipeline('backfill-')
})
afterAll(async () => setup.close())

async function api(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${setup.server.url}/api/projects/${firstProject.id}/${url}`, {
    method,
    headers: { authorization: `Bearer ${firstProject.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const iso = (ms: number) => new Date(ms).toISOString()
const uuids = ['week-order-1', 'week-order-2', 'week-order-3', 'week-order-4']

async function jobUntil(fnId: string, jobId: string, done: (job: any) => boolean): Promise<any> {
  let job: any
  for (const started = Date.now(); Date.now() - started < 30_000; await pause(50)) {
    job = (await api('GET', `hog_functions/${fnId}/jobs/${jobId}/`)).body
    if (done(job)) return job
  }
  throw new Error(`job not finished in time: ${JSON.stringify(job)}`)
}

describe('a backfill', () => {
  let fnId: string
  let capturedAfter: number

  beforeAll(async () => {
    capturedAfter = Date.now() - 1000
    // Captured while the project has no destination: stored, mapped to nothing.
    await capture(
      setup.server,
      firstProject,
      uuids.map((uuid) => order(uuid)),
    )
    expect(await until(() => setup.server.store.events.countPending() === 0, 20_000)).toBe(true)
    fnId = await createFunction(setup.server, firstProject)
    await pause(700)
    expect(setup.emulator.accepted()).toEqual([])
  })

  it('refuses a range it cannot send, naming the field', async () => {
    const now = Date.now()
    const cases: [unknown, string][] = [
      [{}, 'after'],
      [{ after: iso(now - DAY_MS) }, 'before'],
      [{ after: 'last week', before: iso(now) }, 'after'],
      [{ after: iso(now), before: iso(now - DAY_MS) }, 'before'],
      [{ after: iso(now - 6 * DAY_MS), before: iso(now + 2 * DAY_MS) }, 'before'],
      [{ after: iso(now - 8 * DAY_MS), before: iso(now - 6 * DAY_MS) }, 'after'],
    ]
    for (const [body, attr] of cases) {
      const answer = await api('POST', `hog_functions/${fnId}/backfills/`, body)
      expect([JSON.stringify(body), answer.status, answer.body.type, answer.body.attr]).toEqual([JSON.stringify(body), 400, 'validation_error', attr])
    }
  })

  it('sends every stored event of the range through the destination with its own event_id; a second one meanwhile is a 409', async () => {
    setup.emulator.setFaults({ latency_ms: 1500 })
    const range = { after: iso(capturedAfter), before: iso(Date.now() + 60_000) }
    const created = await api('POST', `hog_functions/${fnId}/backfills/`, range)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ kind: 'backfill', status: 'running', total: 4, done: 0, failed: 0, left: 4, range })
    const second = await api('POST', `hog_functions/${fnId}/backfills/`, range)
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({ type: 'validation_error', code: 'conflict', attr: 'after', detail: `A backfill of this destination is running: job ${created.body.id}` })

    const finished = await jobUntil(fnId, created.body.id, (job) => job.status === 'completed')
    expect(finished).toMatchObject({ total: 4, done: 4, failed: 0, left: 0, failures: [] })
    setup.emulator.setFaults({})
    const sent = setup.emulator
      .accepted()
      .map((e) => [e.event_id, e.event_name])
      .sort()
    expect(sent).toEqual(uuids.map((uuid) => [uuid, 'checkout']))
  })

  it('is cancelled before it sends: nothing more is queued, and the job says so', async () => {
    await setEnabled(setup.server, firstProject, fnId, false)
    const before = setup.emulator.accepted().length
    const created = await api('POST', `hog_functions/${fnId}/backfills/`, { after: iso(capturedAfter), before: iso(Date.now() + 60_000) })
    expect(created.status).toBe(201)
    const cancelled = await api('POST', `hog_functions/${fnId}/jobs/${created.body.id}/cancel/`)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ status: 'cancelled', total: 4, done: 0, failed: 0, left: 4, finished_at: expect.stringMatching(/^\d{4}-/) })
    await setEnabled(setup.server, firstProject, fnId, true)
    await pause(1200)
    expect(setup.emulator.accepted().length).toBe(before)
    expect(setup.server.store.deliveries.counts().pending).toBe(0)
    const listed = (await api('GET', `hog_functions/${fnId}/jobs/`)).body.results
    expect(listed.map((j: any) => [j.kind, j.status])).toEqual([
      ['backfill', 'cancelled'],
      ['backfill', 'completed'],
    ])
    expect((await api('GET', `hog_functions/${fnId}/jobs/00000000-0000-4000-8000-000000000000/`)).status).toBe(404)
  })
})
