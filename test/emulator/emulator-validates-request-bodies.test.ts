import { emulatorPerTest, pinterestEvent, postEvents } from './helpers'

const start = emulatorPerTest()
const invalid = (message: string) => ({ status: 400, body: { code: 4196, message: `Invalid request: ${message}` } })

describe('emulator: request validation', () => {
  it('rejects a body that is not JSON', async () => {
    const emulator = await start()
    const answer = await postEvents(emulator, undefined, { rawBody: '{"data": [' })
    expect(answer.status).toBe(400)
    expect(answer.body.code).toBe(4196)
    expect(answer.body.message).toMatch(/^Invalid request: body is not valid JSON \(.+\)$/)
  })

  it('rejects a body sent with another content type', async () => {
    const emulator = await start()
    const answer = await postEvents(emulator, { data: [pinterestEvent()] }, { contentType: 'text/plain' })
    expect(answer).toMatchObject(invalid('Content-Type must be application/json'))
  })

  it('accepts a content type with a charset', async () => {
    const emulator = await start()
    const answer = await postEvents(emulator, { data: [pinterestEvent()] }, { contentType: 'application/json; charset=utf-8' })
    expect(answer.status).toBe(200)
  })

  it('rejects an unknown key with the whole request, naming the key like Pinterest', async () => {
    const emulator = await start()
    const data = [pinterestEvent({ event_id: 'good' }), pinterestEvent({ event_id: 'bad', custom_data: { category_name: 'lamps' } })]
    const answer = await postEvents(emulator, { data })
    expect(answer).toMatchObject(invalid("Additional properties are not allowed ('category_name' was unexpected)"))
    expect(emulator.accepted()).toEqual([])
  })

  it.each([
    ['at the top level', { data: [pinterestEvent()], partner: 'x' }, "Additional properties are not allowed ('partner' was unexpected)"],
    ['in an event', { data: [pinterestEvent({ advertiser_tracking_enabled: true })] }, "Additional properties are not allowed ('advertiser_tracking_enabled' was unexpected)"],
    ['in user_data', { data: [pinterestEvent({ user_data: { em: ['x'], email: 'a@b.co' } })] }, "Additional properties are not allowed ('email' was unexpected)"],
    ['in contents', { data: [pinterestEvent({ custom_data: { contents: [{ id: '1', price: '2' }] } })] }, "Additional properties are not allowed ('price' was unexpected)"],
  ])('rejects an unknown key %s', async (_where, body, message) => {
    const emulator = await start()
    expect(await postEvents(emulator, body)).toMatchObject(invalid(message))
  })

  it('rejects 1001 events and an empty batch, and takes 1000', async () => {
    const emulator = await start()
    const batch = (n: number) => ({ data: Array.from({ length: n }, (_, i) => pinterestEvent({ event_id: `e${i}` })) })
    const tooMany = await postEvents(emulator, batch(1001))
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.message).toMatch(/^Invalid request: \[\{.*\.\.\. is too long$/)
    expect(await postEvents(emulator, batch(0))).toMatchObject(invalid('[] is too short'))
    const full = await postEvents(emulator, batch(1000))
    expect([full.status, full.body.num_events_processed]).toEqual([200, 1000])
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
      [400, 1001],
      [400, 0],
      [200, 1000],
    ])
  })

  it('rejects an event that breaks the identifier rule or has a wrong type', async () => {
    const emulator = await start()
    const phoneOnly = await postEvents(emulator, { data: [pinterestEvent({ user_data: { ph: ['x'] } })] })
    expect(phoneOnly).toMatchObject(invalid("{'ph': ['x']} is not valid under any of the given schemas"))
    const stringTime = await postEvents(emulator, { data: [pinterestEvent({ event_time: '1768478400' })] })
    expect(stringTime).toMatchObject(invalid("'1768478400' is not of type 'integer'"))
  })

  it('answers 413 for a body over maxBodyBytes', async () => {
    const emulator = await start({ maxBodyBytes: 1000 })
    const answer = await postEvents(emulator, { data: [pinterestEvent({ event_source_url: 'x'.repeat(2000) })] })
    expect(answer).toMatchObject({ status: 413, body: { code: 413, message: 'Request body is larger than 1000 bytes.' } })
  })

  it('rejects a test flag that is not a boolean', async () => {
    const emulator = await start()
    expect(await postEvents(emulator, { data: [pinterestEvent()] }, { query: '?test=yes' })).toMatchObject(invalid("test must be true or false, got 'yes'"))
  })
})
