import { FaultsError } from '../../src/emulator/faults'
import type { RunningEmulator } from '../../src/emulator/server'
import { until } from '../helpers/pipeline-server'
import { emulatorPerTest, failed, getJson, pinterestEvent, postEvents, processed, sendJsonTo } from './helpers'

const start = emulatorPerTest()
const body = { data: [pinterestEvent()] }
const RATE_LIMITED = {
  code: 8,
  message: 'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
}
const RAMPED_DOWN = { code: 4197, message: 'The endpoint has been ramped down and is currently not accepting any traffic.' }

async function statuses(emulator: RunningEmulator, count: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push((await postEvents(emulator, body)).status)
  return out
}

/** Waits (up to 20 s) until the emulator has recorded `count` requests. */
async function recorded(emulator: RunningEmulator, count: number): Promise<void> {
  await until(() => emulator.requests().length >= count, 20_000)
  expect(emulator.requests()).toHaveLength(count)
}

describe('emulator: injected faults', () => {
  it('answers 429 with Retry-After, 1 second by default', async () => {
    const emulator = await start({ faults: { rate_limit_share: 1 } })
    const first = await postEvents(emulator, body)
    expect([first.status, first.body, first.headers.get('retry-after')]).toEqual([429, RATE_LIMITED, '1'])
    emulator.setFaults({ rate_limit_share: 1, retry_after_seconds: 7 })
    expect((await postEvents(emulator, body)).headers.get('retry-after')).toBe('7')
    expect(emulator.accepted()).toEqual([])
    expect(emulator.requests().map((r) => [r.status, r.fault, r.num_events])).toEqual([
      [429, 'rate_limit', 1],
      [429, 'rate_limit', 1],
    ])
  })

  it('answers 503 when ramped down', async () => {
    const emulator = await start({ faults: { unavailable_share: 1 } })
    expect(await postEvents(emulator, body)).toMatchObject({ status: 503, body: RAMPED_DOWN })
  })

  it('spreads random shares reproducibly for a seed', async () => {
    const faults = { rate_limit_share: 0.5 }
    const a = await statuses(await start({ faults, seed: 42 }), 20)
    const b = await statuses(await start({ faults, seed: 42 }), 20)
    expect(a).toEqual(b)
    expect(new Set(a)).toEqual(new Set([200, 429]))
  })

  it('forces the next statuses in order, then answers normally', async () => {
    const emulator = await start({ faults: { next_statuses: [429, 503, 401, 500, 200] } })
    const answers = []
    for (let i = 0; i < 6; i++) answers.push(await postEvents(emulator, body))
    expect(answers.map((a) => a.status)).toEqual([429, 503, 401, 500, 200, 200])
    expect(answers[0].headers.get('retry-after')).toBe('1')
    expect(answers.slice(0, 4).map((a) => a.body)).toEqual([RATE_LIMITED, RAMPED_DOWN, { code: 2, message: 'Authentication failed.', status: 'failure' }, { code: 500, message: 'Unexpected error.' }])
    expect(answers[4].body.events).toEqual([processed])
    expect(emulator.requests().map((r) => r.fault)).toEqual(['forced', 'forced', 'forced', 'forced', 'forced', null])
    expect(emulator.faults().next_statuses).toEqual([])
  })

  it('fails the listed event ids and a seeded share of events', async () => {
    const emulator = await start({ faults: { fail_event_ids: ['b'] } })
    const data = ['a', 'b', 'c'].map((event_id) => pinterestEvent({ event_id }))
    const answer = await postEvents(emulator, { data })
    expect(answer.body).toEqual({ num_events_received: 3, num_events_processed: 2, events: [processed, failed('emulated failure'), processed] })
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['a', 'c'])

    const many = { data: Array.from({ length: 100 }, (_, i) => pinterestEvent({ event_id: `e${i}` })) }
    const shares = async () => (await postEvents(await start({ faults: { fail_event_share: 0.3 }, seed: 7 }), many)).body
    const [x, y] = [await shares(), await shares()]
    expect(x).toEqual(y)
    expect(x.num_events_processed).toBeGreaterThan(50)
    expect(x.num_events_processed).toBeLessThan(90)
  })

  it('adds latency to answers', async () => {
    const emulator = await start({ faults: { latency_ms: 150 } })
    const started = Date.now()
    expect((await postEvents(emulator, body)).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('hangs: the client gives up, the request is recorded unanswered', async () => {
    const emulator = await start({ faults: { hang_share: 1 } })
    const client = new AbortController()
    const answer = postEvents(emulator, body, { signal: client.signal })
    // Given up once the emulator has read the request (a fixed timeout could end it earlier on a busy machine).
    await recorded(emulator, 1)
    client.abort()
    await expect(answer).rejects.toMatchObject({ name: 'AbortError' })
    expect(emulator.requests().map((r) => [r.status, r.fault])).toEqual([[null, 'hang']])
    expect(emulator.accepted()).toEqual([])
  })

  it('close() ends hung and delayed requests and stops at once', async () => {
    const emulator = await start({ faults: { latency_ms: 60_000 } })
    const delayed = expect(postEvents(emulator, body)).rejects.toThrow()
    await recorded(emulator, 1)
    emulator.setFaults({ hang_share: 1 })
    const hung = expect(postEvents(emulator, body)).rejects.toThrow()
    await recorded(emulator, 2)
    expect(emulator.requests().map((r) => r.fault)).toEqual([null, 'hang'])
    const started = Date.now()
    await emulator.close()
    await Promise.all([delayed, hung])
    // Without close() ending them, the delayed request would take its 60 s: far past any busy machine's pause.
    expect(Date.now() - started).toBeLessThan(20_000)
    await expect(fetch(`${emulator.url}/_health`)).rejects.toThrow()
  })

  it('leaves the admin endpoints alone', async () => {
    const emulator = await start({ faults: { rate_limit_share: 1, hang_share: 1 } })
    expect((await getJson(emulator, '/_emulator/events')).status).toBe(200)
  })
})

describe('emulator: faults admin endpoint', () => {
  it('shows the faults with defaults and replaces them on PUT', async () => {
    const emulator = await start({ faults: { unavailable_share: 0.25 } })
    expect((await getJson(emulator, '/_emulator/faults')).body).toEqual({
      rate_limit_share: 0,
      retry_after_seconds: 1,
      unavailable_share: 0.25,
      latency_ms: 0,
      hang_share: 0,
      fail_event_ids: [],
      fail_event_share: 0,
      next_statuses: [],
    })
    const put = await sendJsonTo(emulator, 'PUT', '/_emulator/faults', { next_statuses: [429, 429] })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ unavailable_share: 0, next_statuses: [429, 429] })
    expect(await statuses(emulator, 3)).toEqual([429, 429, 200])
  })

  it.each([
    [{ rate_limit_share: 2 }, 'rate_limit_share: Too big: expected number to be <=1'],
    [{ next_statuses: [429, 'x'] }, 'next_statuses.1: Invalid input: expected number, received string'],
    [{ hang: 1 }, 'faults: Unrecognized key: "hang"'],
  ])('answers 400 naming the field for %j', async (faults, message) => {
    const emulator = await start()
    expect(await sendJsonTo(emulator, 'PUT', '/_emulator/faults', faults)).toMatchObject({ status: 400, body: { message } })
    expect(() => emulator.setFaults(faults as never)).toThrow(new FaultsError(message))
    expect(emulator.faults().rate_limit_share).toBe(0)
  })

  it('answers 400 for faults that are not JSON', async () => {
    const emulator = await start()
    const answer = await sendJsonTo(emulator, 'PUT', '/_emulator/faults', '{')
    expect(answer.status).toBe(400)
    expect(answer.body.message).toMatch(/^faults body is not valid JSON/)
  })
})
