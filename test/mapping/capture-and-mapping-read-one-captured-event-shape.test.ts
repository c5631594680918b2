import { toInvocationGlobals } from '../../src/mapping/globals'
import { readCapture } from '../../src/server/capture-payload'

const NOW_MS = Date.parse('2026-11-29T11:15:00.000Z')
const nested = (levels: number): unknown => (levels === 0 ? 'leaf' : { next: nested(levels - 1) })

// The rules live in src/mapping/captured-event.ts; capture and capture-style input to mapping (the CLI,
// the library) both read events by them, so an event one refuses the other refuses for the same reason.
describe('a capture-style event refused by capture is refused by mapping with the same field and reason', () => {
  it.each([
    ['an empty event name', { event: '', distinct_id: 'd' }, 'event', 'expected a non-empty string'],
    ['an event name of 401 characters', { event: 'e'.repeat(401), distinct_id: 'd' }, 'event', 'longer than 400 characters'],
    ['no distinct id', { event: 'e' }, 'distinct_id', 'expected a non-empty string'],
    ['a distinct id of 201 characters', { event: 'e', distinct_id: 'd'.repeat(201) }, 'distinct_id', 'longer than 200 characters'],
    ['properties that are a list', { event: 'e', distinct_id: 'd', properties: [] }, 'properties', 'expected an object'],
    ['a timestamp that is no date', { event: 'e', distinct_id: 'd', timestamp: 'yesterday' }, 'timestamp', 'expected an ISO-8601 date-time'],
    ['a uuid that is an object', { event: 'e', distinct_id: 'd', uuid: { a: 1 } }, 'uuid', 'expected a string'],
    ['properties nested 65 levels', { event: 'e', distinct_id: 'd', properties: { deep: nested(64) } }, 'properties', 'nested deeper than 64 levels'],
  ])('%s', (_, event, field, reason) => {
    expect(readCapture(event, NOW_MS).problems).toEqual([{ field, reason }])
    expect(toInvocationGlobals(event, NOW_MS)).toEqual({ ok: false, reason: `${field}: ${reason}` })
  })
})

describe('a capture-style event accepted by both is the same event to both', () => {
  it.each([
    ['a time in milliseconds', { uuid: 'u-1', event: 'e', distinct_id: 'd', timestamp: NOW_MS - 60_000 }],
    ['a time with an offset', { uuid: 'u-1', event: 'e', distinct_id: 'd', timestamp: '2026-11-29T12:00:00+01:00' }],
    ['a numeric distinct id', { uuid: 'u-1', event: 'e', distinct_id: 42 }],
    ['the distinct id among the properties', { uuid: 'u-1', event: 'e', properties: { distinct_id: 'in-props' } }],
    ['$set beside the properties', { uuid: 'u-1', event: 'e', distinct_id: 'd', $set: { email: 'a@b.c' }, properties: { $set: { plan: 'pro' } } }],
  ])('%s', (_, event) => {
    const [stored] = readCapture(event, NOW_MS).events.map((json) => JSON.parse(json))
    const read = toInvocationGlobals(event, NOW_MS)
    expect(read.ok).toBe(true)
    if (!read.ok) return
    expect({ ...read.globals.event, elements_chain: undefined, url: undefined }).toEqual({ ...stored, elements_chain: undefined, url: undefined })
  })

  it('normalises as capture does: the time in UTC, the distinct id as text, top-level $set merged', () => {
    const read = toInvocationGlobals({ uuid: 'u-1', event: 'e', distinct_id: 42, timestamp: '2026-11-29T12:00:00+01:00', $set: { email: 'a@b.c' } }, NOW_MS)
    expect(read.ok && read.globals.event).toEqual({
      uuid: 'u-1',
      event: 'e',
      distinct_id: '42',
      timestamp: '2026-11-29T11:00:00.000Z',
      properties: { $set: { email: 'a@b.c' } },
      elements_chain: '',
      url: '',
    })
    expect(read.ok && read.globals.person).toEqual({ id: '42', properties: { email: 'a@b.c' } })
  })
})
