import { ConfigError } from '../../src/errors'
import { loadHogParser } from '../../src/hog/parser'
import { compileTemplate, evaluateTemplate } from '../../src/hog/template'
import { HogRuntimeError } from '../../src/hog/runtime'

beforeAll(loadHogParser)

function compileError(value: unknown, field = 'mappings[0].inputs.custom_data'): ConfigError {
  try {
    compileTemplate(value, field)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`no error for ${JSON.stringify(value)}`)
}

describe('templates that cannot compile', () => {
  it.each([
    ['{foo(1)}', "invalid template at position 1: unknown function 'foo'"],
    ['total: {sum(event.properties.a)}', "invalid template at position 8: unknown function 'sum'"],
    ['{unknownThing.x}', "invalid template at position 1: unknown variable 'unknownThing' (templates can read event, person, groups, project, source)"],
    ['{print(1)}', "invalid template at position 1: function 'print' cannot be used in a template"],
    ['{lower(1, 2)}', "invalid template at position 1: function 'lower' takes 1 arguments, got 2"],
    ['{if(true)}', "invalid template at position 1: function 'if' takes 2 or 3 arguments, got 1"],
    ['{arrayMap(x -> arrayMap(y -> x, [1]), [1])}', "invalid template at position 29: 'x' belongs to an outer lambda; a nested lambda can only use its own arguments"],
  ])('%s is rejected with the input and position', (template, message) => {
    const error = compileError(template)
    expect(error.field).toBe('mappings[0].inputs.custom_data')
    expect(error.message).toBe(`mappings[0].inputs.custom_data: ${message}`)
  })

  it('reports syntax errors with their position', () => {
    expect(compileError('a {b').message).toBe("mappings[0].inputs.custom_data: invalid template at position 4: missing '}' at '<EOF>'")
    expect(compileError('{}').message).toMatch(/^mappings\[0\]\.inputs\.custom_data: invalid template at position 1: mismatched input '\}'/)
  })

  it('names the leaf inside a dictionary', () => {
    const error = compileError({ user: { email: '{nope(1)}' } }, 'inputs.user_data')
    expect(error.field).toBe('inputs.user_data.user.email')
  })

  it('refuses __proto__ keys in dictionaries', () => {
    const error = compileError(JSON.parse('{"__proto__": {"x": "1"}}'), 'inputs.user_data')
    expect(error.field).toBe('inputs.user_data.__proto__')
  })

  it('refuses huge templates', () => {
    expect(compileError('{event.uuid}' + 'x'.repeat(100_001)).message).toMatch(/longer than 100000 characters/)
  })
})

describe('templates that fail at run time', () => {
  it('throw a HogRuntimeError with the VM message instead of crashing', () => {
    const compiled = compileTemplate('{jsonParse(event.properties.x)}', 'input')
    expect(() => evaluateTemplate(compiled, { event: { properties: { x: '{not json' } } })).toThrow(HogRuntimeError)
  })

  it('stop a runaway template at the time budget', () => {
    const compiled = compileTemplate('{arrayMap(x -> arrayMap(y -> y, range(1000)), range(100000))}', 'input')
    expect(() => evaluateTemplate(compiled, { event: { properties: {} } })).toThrow(/timed out|Memory limit/)
  })
})
