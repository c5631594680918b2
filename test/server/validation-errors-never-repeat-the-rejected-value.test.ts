import { TEMPLATE_ID, useRestAppWithOneFunction, VALID_INPUTS } from '../helpers/rest-app'

const PASTED = 'pina_SECRETTOKEN123'
const inputs = VALID_INPUTS

const rest = useRestAppWithOneFunction()
const { call } = rest

const property = (fields: Record<string, unknown>) => ({ key: 'currency', type: 'event', operator: 'exact', value: 'USD', ...fields })

describe('a rejected value pasted where it does not belong', () => {
  it.each([
    [
      'action_source',
      'POST',
      { template_id: TEMPLATE_ID, inputs, mappings: [{ name: 'Checkout', inputs: { action_source: { value: PASTED } } }] },
      'mappings__0__inputs__action_source',
      'Value is not one of the choices; use one of web, app_android, app_ios, offline.',
    ],
    [
      'a filter operator',
      'PATCH',
      { filters: { properties: [property({ operator: PASTED })] } },
      'filters__properties__0__operator',
      expect.stringMatching(/^operator is not supported; supported: exact, is_not/),
    ],
    ['template_id', 'POST', { template_id: PASTED, inputs }, 'template_id', `No such template; this destination is '${TEMPLATE_ID}'`],
    ['an input name', 'PATCH', { inputs: { ...inputs, [PASTED]: { value: 'x' } } }, 'inputs', 'an input name is not known; known inputs: ad_account_id, conversion_token, debug_mode, test_mode'],
    [
      'a mapping input name',
      'PATCH',
      { mappings: [{ name: 'Checkout', inputs: { [PASTED]: { value: 'x' } } }] },
      'mappings__0__inputs',
      expect.stringMatching(/^an input name is not known; known inputs: /),
    ],
    ['a filter type', 'PATCH', { filters: { properties: [property({ type: PASTED })] } }, 'filters__properties__0__type', 'property filter type is not supported; supported: event, person'],
    ['a number for gt', 'PATCH', { filters: { properties: [property({ operator: 'gt', value: PASTED })] } }, 'filters__properties__0__value', "operator 'gt' needs a finite number"],
    [
      'a regex',
      'PATCH',
      { filters: { properties: [property({ operator: 'regex', value: `(${PASTED}` })] } },
      'filters__properties__0__value',
      'not a valid RE2 regular expression (RE2 has no lookaround and no backreferences)',
    ],
    ['an inputs_schema key', 'PATCH', { mappings: [{ name: 'Checkout', inputs_schema: [{ key: PASTED, default: 'x' }] }] }, 'mappings__0__inputs_schema', 'an item names an input that is not known'],
    ['an inputs_schema property', 'PATCH', { mappings: [{ name: 'Checkout', inputs_schema: [{ key: 'event_name', [PASTED]: 'x' }] }] }, 'mappings__0__inputs_schema__0', 'a key is not known here'],
  ])('%s: a 400 naming the field, without the value', async (_label, method, payload, attr, detail) => {
    const url = method === 'POST' ? '/api/projects/1/hog_functions/' : `/api/projects/1/hog_functions/${rest.functionId}/`
    const response = await call(method as 'POST' | 'PATCH', url, payload)
    expect(response.status).toBe(400)
    expect(response.body).toEqual({ type: 'validation_error', code: 'invalid_input', detail, attr, errors: [{ code: 'invalid_input', detail, attr }] })
    expect(response.text).not.toContain('SECRETTOKEN123')
  })
})
