import { eventNameOf } from '../../../src/store/sql/events'

describe("a stored event's name, for the Postgres index of events by name", () => {
  it("is read from capture's serialisation, escaped or not, and from any other JSON whole", () => {
    const captured = (uuid: string, event: string) => JSON.stringify({ uuid, event, distinct_id: 'd', properties: { event: 'not this' } })
    expect(eventNameOf(captured('u-1', 'Order Completed'))).toBe('Order Completed')
    expect(eventNameOf(captured('u-"2"', 'say "hi" \\ ✓'))).toBe('say "hi" \\ ✓')
    expect(eventNameOf(JSON.stringify({ distinct_id: 'd', event: 'Later key' }))).toBe('Later key')
  })

  it('is none when there is no string name, or the payload is not JSON, or the name holds a NUL', () => {
    expect(eventNameOf(JSON.stringify({ uuid: 'u', event: 5 }))).toBeNull()
    expect(eventNameOf('{"uuid":"u","event":')).toBeNull()
    expect(eventNameOf(JSON.stringify({ uuid: 'u', event: 'a\0b' }))).toBeNull()
  })
})
