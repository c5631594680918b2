import { AD_ACCOUNT, emulatorPerTest, getJson, NOW_MS, NOW_S, pinterestEvent, postEvents, sendJsonTo } from './helpers'

const start = emulatorPerTest()
const RECEIVED_AT = new Date(NOW_MS).toISOString()

describe('emulator: records and admin endpoints', () => {
  it('records each accepted event with its request, and each request', async () => {
    const emulator = await start({ credentials: [{ token: 'test-token', adAccountIds: [AD_ACCOUNT, '42'] }] })
    const first = pinterestEvent({ event_id: 'a' })
    const ok = await postEvents(emulator, { data: [first, pinterestEvent({ event_id: 'late', event_time: NOW_S + 999 })] })
    await postEvents(emulator, { data: [pinterestEvent({ event_id: 'b', event_name: 'lead' })] }, { adAccount: '42' })
    await postEvents(emulator, { data: [pinterestEvent()] }, { token: 'bad' })
    const rid = ok.headers.get('x-pinterest-rid')
    expect(emulator.accepted()[0]).toEqual({
      event_id: 'a',
      event_name: 'checkout',
      ad_account_id: AD_ACCOUNT,
      request_id: rid,
      received_at: RECEIVED_AT,
      test: false,
      event: first,
    })
    expect(emulator.accepted().map((e) => [e.ad_account_id, e.event_id])).toEqual([
      [AD_ACCOUNT, 'a'],
      ['42', 'b'],
    ])
    expect(emulator.requests().map(({ request_id: _id, ...rest }) => rest)).toEqual([
      { ad_account_id: AD_ACCOUNT, status: 200, num_events: 2, num_events_processed: 1, test: false, received_at: RECEIVED_AT, fault: null },
      { ad_account_id: '42', status: 200, num_events: 1, num_events_processed: 1, test: false, received_at: RECEIVED_AT, fault: null },
      { ad_account_id: AD_ACCOUNT, status: 401, num_events: 1, num_events_processed: 0, test: false, received_at: RECEIVED_AT, fault: null },
    ])
  })

  it('serves the records over HTTP, events filtered by ad account or test flag', async () => {
    const emulator = await start({ credentials: [{ token: 'test-token', adAccountIds: [AD_ACCOUNT, '42'] }] })
    await postEvents(emulator, { data: [pinterestEvent({ event_id: 'a' })] })
    await postEvents(emulator, { data: [pinterestEvent({ event_id: 'b' })] }, { adAccount: '42' })
    await postEvents(emulator, { data: [pinterestEvent({ event_id: 't' })] }, { query: '?test=true' })
    const ids = async (path: string) => (await getJson(emulator, path)).body.events.map((e: { event_id: string }) => e.event_id)
    expect(await ids('/_emulator/events')).toEqual(['a', 'b'])
    expect(await ids('/_emulator/events?ad_account_id=42')).toEqual(['b'])
    expect(await ids('/_emulator/events?test=true')).toEqual(['t'])
    expect((await getJson(emulator, '/_emulator/events')).body).toEqual({ events: emulator.accepted() })
    expect((await getJson(emulator, '/_emulator/requests')).body).toEqual({ requests: emulator.requests() })
    expect(await getJson(emulator, '/_health')).toMatchObject({ status: 200, body: { status: 'ok' } })
  })

  it('reset forgets records but keeps credentials and faults', async () => {
    const emulator = await start({ credentials: [{ token: 'own', adAccountIds: ['7'] }], faults: { fail_event_ids: ['x'] } })
    await postEvents(emulator, { data: [pinterestEvent()] }, { token: 'own', adAccount: '7' })
    expect(await sendJsonTo(emulator, 'POST', '/_emulator/reset')).toMatchObject({ status: 200, body: { reset: true } })
    expect([emulator.accepted(), emulator.requests()]).toEqual([[], []])
    const after = await postEvents(emulator, { data: [pinterestEvent({ event_id: 'x' })] }, { token: 'own', adAccount: '7' })
    expect(after.body.events[0].error_message).toBe('emulated failure')
    emulator.reset()
    expect(emulator.requests()).toEqual([])
  })

  it('refuses other methods on admin paths', async () => {
    const emulator = await start()
    const answer = await sendJsonTo(emulator, 'DELETE', '/_emulator/events')
    expect([answer.status, answer.headers.get('allow'), answer.body]).toEqual([405, 'GET', { message: 'DELETE is not allowed on /_emulator/events' }])
  })
})

describe('emulator without bodies', () => {
  const start = emulatorPerTest()

  it('keeps only the identifiers of accepted events', async () => {
    const emulator = await start({ keepBodies: false })
    const answer = await postEvents(emulator, { data: [pinterestEvent({ event_id: 'slim-1' })] })
    expect(answer.status).toBe(200)
    const [accepted] = emulator.accepted()
    expect(accepted).toMatchObject({ event_id: 'slim-1', event_name: 'checkout', ad_account_id: AD_ACCOUNT, test: false })
    expect(accepted).not.toHaveProperty('event')
  })
})
