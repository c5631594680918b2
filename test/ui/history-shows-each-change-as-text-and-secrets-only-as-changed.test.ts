import { authorOf, type FunctionVersion, isLong, isSecretShown, showChange, valueText } from '../../src/ui/history'

test('a secret change shows neither side, whichever side holds the secret marker', () => {
  expect(showChange({ field: 'inputs.conversion_token', action: 'changed', before: { secret: true }, after: { secret: true } })).toEqual({ field: 'inputs.conversion_token', secret: true })
  expect(showChange({ field: 'inputs.conversion_token', action: 'created', before: null, after: { secret: true } })).toEqual({ field: 'inputs.conversion_token', secret: true })
  expect(isSecretShown({ secret: true, value: 'x' })).toBe(false)
  expect(isSecretShown({ secret: false })).toBe(false)
})

test('other values show as text: strings as they are, absent as (none), empty as (empty), objects as pretty JSON', () => {
  expect(showChange({ field: 'name', action: 'changed', before: 'Shop', after: 'Shop 2' })).toEqual({ field: 'name', secret: false, before: 'Shop', after: 'Shop 2' })
  expect(showChange({ field: 'description', action: 'created', before: null, after: '' })).toEqual({ field: 'description', secret: false, before: '(none)', after: '(empty)' })
  expect(valueText(false)).toBe('false')
  expect(valueText(12)).toBe('12')
  expect(valueText({ events: [{ id: '$pageview' }] })).toBe('{\n  "events": [\n    {\n      "id": "$pageview"\n    }\n  ]\n}')
  expect(valueText('<b>x</b>')).toBe('<b>x</b>')
})

test('a version is by its key label, the CLI by its own, and without one by the system or an unnamed key', () => {
  const version: FunctionVersion = { id: 'v', version: 1, user: { first_name: 'ci key' }, is_system: false, activity: 'created', detail: { changes: [] }, created_at: '2026-01-01T00:00:00Z' }
  expect(authorOf(version)).toBe('ci key')
  expect(authorOf({ ...version, is_system: true, user: { first_name: 'pinterest-capi CLI' } })).toBe('pinterest-capi CLI')
  expect(authorOf({ ...version, is_system: true, user: { first_name: '' } })).toBe('the system')
  expect(authorOf({ ...version, user: null })).toBe('an unnamed key')
})

test('a change of more than 8 lines on either side is long (folded), a shorter one or a secret is not', () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n')
  expect(isLong({ field: 'mappings', secret: false, before: '(none)', after: lines(9) })).toBe(true)
  expect(isLong({ field: 'mappings', secret: false, before: lines(9), after: 'x' })).toBe(true)
  expect(isLong({ field: 'mappings', secret: false, before: lines(8), after: lines(8) })).toBe(false)
  expect(isLong({ field: 'inputs.conversion_token', secret: true })).toBe(false)
})
