import { AD_ACCOUNT, emulatorPerTest, pinterestEvent, postEvents, processed } from './helpers'

const start = emulatorPerTest()
const body = { data: [pinterestEvent()] }
const AUTH_FAILED = { code: 2, message: 'Authentication failed.', status: 'failure' }

describe('emulator: token and ad account', () => {
  it('answers 401 without a token, with another scheme, or with an unknown token', async () => {
    const emulator = await start()
    expect(await postEvents(emulator, body, { token: null })).toMatchObject({ status: 401, body: AUTH_FAILED })
    expect(await postEvents(emulator, body, { token: 'wrong' })).toMatchObject({ status: 401, body: AUTH_FAILED })
    const basic = await fetch(`${emulator.url}/v5/ad_accounts/${AD_ACCOUNT}/events`, {
      method: 'POST',
      headers: { authorization: 'Basic dGVzdC10b2tlbg==', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(basic.status).toBe(401)
    expect(emulator.accepted()).toEqual([])
  })

  it('answers 403 when the token may not send to that ad account', async () => {
    const emulator = await start({
      credentials: [
        { token: 'shop-a', adAccountIds: ['111'] },
        { token: 'shop-b', adAccountIds: ['222', '333'] },
      ],
    })
    const forbidden = await postEvents(emulator, body, { token: 'shop-a', adAccount: '222' })
    expect(forbidden).toMatchObject({ status: 403, body: { code: 29, message: 'You are not permitted to access that resource.' } })
    expect((await postEvents(emulator, body, { token: 'shop-b', adAccount: '333' })).body.events).toEqual([processed])
    expect(emulator.accepted().map((e) => [e.ad_account_id, e.event_id])).toEqual([['333', 'evt-1']])
  })

  it.each(['act_123', '1234567890123456789', '12a'])('answers 400 for the ad account id %s', async (id) => {
    const emulator = await start({ credentials: [{ token: 'test-token', adAccountIds: [id] }] })
    const answer = await postEvents(emulator, body, { adAccount: id })
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({ code: 4196, message: `Invalid request: ad_account_id '${id}' does not match '^\\d{1,18}$'` })
  })

  it('sends the request id in x-pinterest-rid on every answer, matching the request record', async () => {
    const emulator = await start()
    const ok = await postEvents(emulator, body)
    const denied = await postEvents(emulator, body, { token: 'nope' })
    const ids = emulator.requests().map((r) => r.request_id)
    expect([ok.headers.get('x-pinterest-rid'), denied.headers.get('x-pinterest-rid')]).toEqual(ids)
    expect(new Set(ids).size).toBe(2)
  })

  it('answers 405 for another method on the events path and 404 elsewhere', async () => {
    const emulator = await start()
    const get = await fetch(`${emulator.url}/v5/ad_accounts/${AD_ACCOUNT}/events`)
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST'])
    const missing = await fetch(`${emulator.url}/v5/ad_accounts/${AD_ACCOUNT}/conversions`, { method: 'POST' })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ code: 404, message: `No route for POST /v5/ad_accounts/${AD_ACCOUNT}/conversions.` })
  })
})
