import { ConfigError } from '../../src/errors'
import { compileFunction } from '../../src/mapping/compile-function'
import { parseFunctionConfig } from '../../src/template/function-config'
import { closestName, editDistance } from '../../src/template/suggest'
import { BASE_CONFIG } from '../helpers/fixtures'

async function problemsOf(config: unknown): Promise<ConfigError> {
  try {
    await compileFunction(config)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('configuration was accepted')
}

const PREBUILT = ['Checkout', 'Search', 'Lead', 'Sign Up', 'Add to Cart']

describe('suggestions for misspelt names', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('emial', 'email')).toBe(1)
    expect(editDistance('Chekout', 'Checkout')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it.each([
    ['Chekout', 'Checkout'],
    ['checkout', 'Checkout'],
    ['Signup', 'Sign Up'],
    ['Serach', 'Search'],
    ['Quote requested', undefined],
    ['Leads by phone', undefined],
    ['x'.repeat(500), undefined],
  ])('%s → %s', (given, expected) => {
    expect(closestName(given, PREBUILT)).toBe(expected)
  })

  it('suggests nothing for a two-letter key that differs (a third of its length is no edit)', () => {
    expect(closestName('zz', ['zp'])).toBeUndefined()
  })
})

describe('a function file (CLI and plugin) gets the checks of the REST API', () => {
  it('lists every problem, each with its path', async () => {
    const error = await problemsOf({
      ...BASE_CONFIG,
      inputs: { ...BASE_CONFIG.inputs, tset_mode: { value: true } },
      mappings: [{ name: 'Chekout', inputs: { custom_data: { value: { curency: 'EUR' } } } }],
    })
    expect(error.problems).toEqual([
      { field: 'inputs.tset_mode', detail: 'an input name is not known; did you mean test_mode?' },
      { field: 'mappings[0].name', detail: 'not a prebuilt mapping; did you mean Checkout? (a custom mapping needs a name unlike the prebuilt ones)' },
      { field: 'mappings[0].inputs.custom_data.curency', detail: 'a key is not known; did you mean currency?' },
    ])
    expect(error.field).toBe('inputs.tset_mode')
    // The CLI prints the message: one line per problem.
    expect(error.message.split('\n')).toHaveLength(3)
  })

  it('keeps a file without mappings meaning the default mappings', async () => {
    const fn = await compileFunction(BASE_CONFIG)
    expect(fn.mappings).toHaveLength(16)
    expect(parseFunctionConfig(BASE_CONFIG).mappings).toBeUndefined()
  })
})
