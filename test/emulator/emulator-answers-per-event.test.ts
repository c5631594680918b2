import { emulatorPerTest, failed, NOW_S, pinterestEvent, postEvents, processed } from './helpers'

const start = emulatorPerTest()
const DAY = 24 * 60 * 60

describe('emulator: per-event answers', () => {
  it('answers a valid batch with one status per event, in request order', async () => {
    const emulator = await start()
    const data = [
      pinterestEvent({ event_id: 'a', event_name: 'checkout', custom_data: { currency: 'EUR', value: '12.50' } }),
      pinterestEvent({ event_id: 'b', event_name: 'page_visit', event_time: NOW_S + 60 }),
      pinterestEvent({ event_id: 'c', event_name: 'lead', event_time: NOW_S - 7 * DAY }),
    ]
    const answer = await postEvents(emulator, { data })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ num_events_received: 3, num_events_processed: 3, events: [processed, processed, processed] })
  })

  it('fails events from the future or older than 7 days, and processes the rest', async () => {
    const emulator = await start()
    const data = [
      pinterestEvent({ event_id: 'future', event_time: NOW_S + 61 }),
      pinterestEvent({ event_id: 'now' }),
      pinterestEvent({ event_id: 'old', event_time: NOW_S - 7 * DAY - 1 }),
      pinterestEvent({ event_id: 'millis', event_time: NOW_S * 1000 }),
    ]
    const answer = await postEvents(emulator, { data })
    expect(answer.body).toEqual({
      num_events_received: 4,
      num_events_processed: 1,
      events: [failed('event_time is in the future'), processed, failed('event_time is older than 7 days'), failed('event_time is in the future')],
    })
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['now'])
  })

  it('processes a non-standard event name with a warning', async () => {
    const emulator = await start()
    const answer = await postEvents(emulator, { data: [pinterestEvent({ event_name: 'quote_requested' })] })
    expect(answer.body.events).toEqual([
      {
        status: 'processed',
        error_message: null,
        warning_message: "event_name 'quote_requested' is not a standard event name; it counts only if registered as a custom event",
      },
    ])
    expect(emulator.accepted().map((e) => e.event_name)).toEqual(['quote_requested'])
  })

  it('answers test=true requests the same way but records their events apart', async () => {
    const emulator = await start()
    const data = [pinterestEvent({ event_id: 't1' }), pinterestEvent({ event_id: 't2', event_time: NOW_S + 3600 })]
    const answer = await postEvents(emulator, { data }, { query: '?test=true' })
    expect(answer.body).toEqual({ num_events_received: 2, num_events_processed: 1, events: [processed, failed('event_time is in the future')] })
    expect(emulator.accepted()).toEqual([])
    expect(emulator.testEvents().map((e) => [e.event_id, e.test])).toEqual([['t1', true]])
    expect(emulator.requests().map((r) => r.test)).toEqual([true])
  })

  it('treats test=false as a live request', async () => {
    const emulator = await start()
    await postEvents(emulator, { data: [pinterestEvent()] }, { query: '?test=false' })
    expect(emulator.accepted().map((e) => [e.event_id, e.test])).toEqual([['evt-1', false]])
  })
})
