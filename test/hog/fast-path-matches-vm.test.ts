import fc from 'fast-check'
import { loadHogParser } from '../../src/hog/parser'
import { compileString, evaluateTemplate } from '../../src/hog/template'

beforeAll(loadHogParser)

const KEYS = ['email', '$ip', 'a', 'b', 'products', 'price', '__proto__', 'constructor', 'toString', 'length', '0', '1', 'x y']

const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null))

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
})).value

/** Random invocation globals; JSON round trip so keys like __proto__ are own properties, as after parsing. */
const globalsArb = fc
  .record({
    properties: fc.dictionary(fc.constantFrom(...KEYS), jsonValue, { maxKeys: 6 }),
    person: fc.option(fc.record({ properties: fc.dictionary(fc.constantFrom(...KEYS), jsonValue, { maxKeys: 4 }) }), { nil: null }),
  })
  .map(({ properties, person }) => JSON.parse(JSON.stringify({ event: { event: 'e', uuid: 'u', properties }, person, groups: {}, project: { id: 1 } })) as Record<string, unknown>)

const quoteKey = (key: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) && key !== 'constructor' ? key : `\`${key}\``)

const chainArb = fc
  .tuple(fc.constantFrom('event.properties', 'person.properties', 'event', 'person', 'project', 'groups'), fc.array(fc.constantFrom(...KEYS), { maxLength: 3 }))
  .map(([root, keys]) => [root, ...keys.map(quoteKey)].join('.'))

const constantArb = fc.oneof(fc.constant("'fallback'"), fc.constant('0'), fc.constant('null'), fc.constant('true'))

const expressionArb = fc.array(fc.oneof({ weight: 3, arbitrary: chainArb }, { weight: 1, arbitrary: constantArb }), { minLength: 1, maxLength: 4 }).map((parts) => `{${parts.join(' ?? ')}}`)

function outcome(template: string, fastPath: boolean, globals: Record<string, unknown>) {
  const compiled = compileString(template, 'input', { fastPath })
  try {
    return { kind: compiled.kind, value: evaluateTemplate(compiled, globals) }
  } catch (error) {
    return { kind: compiled.kind, error: (error as Error).message }
  }
}

describe('fast path for property chains and ?? chains', () => {
  it('gives the same result as the Hog VM on random events', () => {
    fc.assert(
      fc.property(expressionArb, globalsArb, (template, globals) => {
        const fast = outcome(template, true, globals)
        const vm = outcome(template, false, globals)
        expect(fast.kind === 'fast' || fast.kind === 'constant').toBe(true)
        expect(vm.kind === 'vm' || vm.kind === 'constant').toBe(true)
        expect({ value: fast.value, error: fast.error }).toEqual({ value: vm.value, error: vm.error })
      }),
      { numRuns: 1500 },
    )
  })

  it('accepts and refuses at compile time exactly the templates the VM compiler does (it builds no bytecode for them)', () => {
    const verdict = (template: string, fastPath: boolean) => {
      try {
        return { kind: compileString(template, 'input', { fastPath }).kind }
      } catch (error) {
        return { error: (error as Error).message }
      }
    }
    const part = fc.oneof(chainArb, constantArb, fc.constantFrom('unknown_root.a', 'properties.email', 'event.properties.1', 'lambda_x'))
    const call = fc.oneof(
      part,
      fc.array(part, { minLength: 0, maxLength: 3 }).map((args) => `ifNull(${args.join(', ')})`),
      fc.tuple(part, part, part).map(([a, b, c]) => `ifNull(ifNull(${a}, ${b}), ${c})`),
    )
    const templateArb = fc.array(call, { minLength: 1, maxLength: 3 }).map((parts) => `{${parts.join(' ?? ')}}`)
    let refused = 0
    fc.assert(
      fc.property(templateArb, (template) => {
        const fast = verdict(template, true)
        const vm = verdict(template, false)
        if ('error' in vm) refused += 1
        expect('error' in fast ? fast : { ok: true }).toEqual('error' in vm ? vm : { ok: true })
      }),
      { numRuns: 300 },
    )
    expect(refused).toBeGreaterThan(30)
    expect(verdict('{unknown_root.a ?? event.properties.email}', true)).toEqual(verdict('{unknown_root.a ?? event.properties.email}', false))
    expect(verdict('{ifNull(event.properties.a)}', true)).toEqual({ error: "input: invalid template at position 1: function 'ifNull' takes 2 arguments, got 1" })
  })

  it('is used for the chains the prebuilt mappings use', () => {
    expect(compileString('{person.properties.email ?? event.properties.email}', 'x').kind).toBe('fast')
    expect(compileString('{event.properties.$ip}', 'x').kind).toBe('fast')
    expect(compileString("{event.properties.currency ?? 'USD'}", 'x').kind).toBe('fast')
    expect(compileString('{lower(event.properties.email)}', 'x').kind).toBe('vm')
    expect(compileString('{event.properties.products.1}', 'x').kind).toBe('vm')
  })

  it('reads own properties only, never the prototype chain', () => {
    const globals = JSON.parse('{"event": {"properties": {}}, "person": null}')
    for (const fastPath of [true, false]) {
      const compiled = compileString('{event.properties.constructor ?? event.properties.toString ?? 7}', 'x', { fastPath })
      expect(evaluateTemplate(compiled, globals)).toBe(7)
    }
  })
})
