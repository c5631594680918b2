import fc from 'fast-check'
import { jsonProblem } from '../../src/ui/json-problem'
import { readEventText } from '../../src/ui/testing'

describe('jsonProblem', () => {
  test('finds nothing wrong in any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, spaced) => {
        expect(jsonProblem(JSON.stringify(value, null, spaced ? 2 : undefined))).toBeNull()
      }),
    )
  })

  test('names the line, column and what was expected where the text goes wrong', () => {
    expect(jsonProblem('{\n  "event": "Order Completed",\n  "distinct_id": }')).toEqual({ line: 3, column: 18, expected: 'a value (an object, array, string, number, true, false or null)' })
    expect(jsonProblem('{"a": 1,}')).toEqual({ line: 1, column: 9, expected: 'a property name in double quotes' })
    expect(jsonProblem('{"a" 1}')).toEqual({ line: 1, column: 6, expected: '“:”' })
    expect(jsonProblem('[1 2]')).toEqual({ line: 1, column: 4, expected: '“,” or “]”' })
    expect(jsonProblem('{"a": 1} x')).toEqual({ line: 1, column: 10, expected: 'the end of the text' })
    expect(jsonProblem('{"a": [1, ')).toEqual({ line: 1, column: 11, expected: 'a value (an object, array, string, number, true, false or null), but the text ends' })
    expect(jsonProblem("{'a': 1}")).toEqual({ line: 1, column: 2, expected: 'a property name in double quotes' })
    expect(jsonProblem('{"a": "line\nbreak"}')).toEqual({ line: 1, column: 7, expected: 'a string with valid escapes and no line breaks' })
  })
})

describe('readEventText', () => {
  test('a captured event goes as `event`, invocation globals as `globals`', () => {
    expect(readEventText('{"event": "Order Completed", "distinct_id": "u1"}')).toEqual({ ok: true, body: { event: { event: 'Order Completed', distinct_id: 'u1' } } })
    expect(readEventText('{"event": {"event": "$pageview"}, "person": null}')).toEqual({ ok: true, body: { globals: { event: { event: '$pageview' }, person: null } } })
  })

  test('text that is not JSON gets where and why, never the text itself', () => {
    const read = readEventText('{"event": "x", "token": pina_SECRET}')
    expect(read).toEqual({ ok: false, error: 'This is not valid JSON: at line 1, column 25 it expected a value (an object, array, string, number, true, false or null).' })
    expect(JSON.stringify(read)).not.toContain('SECRET')
  })

  test('JSON that is no event says what an event needs', () => {
    expect(readEventText('')).toEqual({ ok: false, error: 'Give an event to test: pick a sample, load the latest captured event, or paste one.' })
    expect(readEventText('[1]')).toEqual({ ok: false, error: 'This JSON is an array, not an event: an event is an object.' })
    expect(readEventText('"Order Completed"')).toEqual({ ok: false, error: 'This JSON is a string, not an event: an event is an object.' })
    expect(readEventText('{"name": "Order Completed"}')).toEqual({
      ok: false,
      error: 'This JSON is not an event: it needs an "event" field, the event\'s name (a captured event) or an object with one (invocation globals).',
    })
    expect(readEventText('{"event": " "}')).toEqual({ ok: false, error: 'The "event" field is empty: give the event\'s name, such as "Order Completed".' })
    expect(readEventText('{"event": {"properties": {}}}')).toEqual({ ok: false, error: 'The event has no name: "event.event" must be its name, such as "Order Completed".' })
  })
})
