import fc from 'fast-check'
import { quickCount, quickDecimal, quickText, readDecimal, readIntegerInRange, readText, type Reader } from '../../src/pinterest/coerce'

const readCount = readIntegerInRange(0, Number.MAX_SAFE_INTEGER)

// What carts hold and what they should not: numbers of every kind, strings with spaces, numeric text, other types.
const anyValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 0, 1e21, -1e21, 1e-7, 0.1 + 0.2, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string(),
  fc.stringMatching(/^\s*-?\d{0,4}(\.\d{0,3})?\s*$/),
  fc.constantFrom('', '  ', '\u00a0x\u2003', 'x'.repeat(30_000)),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.object({ maxDepth: 0 }),
)

/** A quick reader answers undefined (ask the reader) or exactly the reader's ok value. */
function agrees(quick: (raw: unknown) => unknown, read: Reader) {
  fc.assert(
    fc.property(anyValue, (raw) => {
      const answer = quick(raw)
      if (answer === undefined) return true
      const field = read(raw)
      return field.kind === 'ok' && Object.is(field.value, answer)
    }),
    { numRuns: 3000 },
  )
}

describe('quick readers agree with the readers they stand in for', () => {
  it('quickText', () => agrees(quickText, readText))
  it('quickDecimal', () => agrees(quickDecimal, readDecimal))
  it('quickCount', () => agrees(quickCount, readCount))

  it('answer for the values carts hold', () => {
    expect([quickText(' Lamp '), quickText(42), quickText(''), quickText(' '), quickText(true)]).toEqual(['Lamp', '42', undefined, undefined, undefined])
    expect([quickDecimal(11.25), quickDecimal(-0), quickDecimal(1e-7), quickDecimal(1e21), quickDecimal('9.99')]).toEqual(['11.25', '0', undefined, undefined, undefined])
    expect([quickCount(3), quickCount(-0), quickCount(2.5), quickCount(-1), quickCount('2')]).toEqual([3, 0, undefined, undefined, undefined])
  })
})
