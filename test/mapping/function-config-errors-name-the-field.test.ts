import { ConfigError } from '../../src/errors'
import { compileFunction } from '../../src/mapping/compile-function'
import { BASE_CONFIG } from '../helpers/fixtures'

async function configError(config: unknown): Promise<ConfigError> {
  try {
    await compileFunction(config)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('configuration was accepted')
}

const withInputs = (inputs: Record<string, unknown>) => ({ ...BASE_CONFIG, inputs: { ...BASE_CONFIG.inputs, ...inputs } })

describe('function configuration validation', () => {
  it('accepts the documented create body', async () => {
    const fn = await compileFunction({
      type: 'destination',
      name: 'Pinterest Conversions API',
      inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'tok' } },
      enabled: true,
      template_id: 'segment-actions-pinterest-conversions-api',
    })
    expect(fn.settings.adAccountId).toBe('549755885175')
    expect(fn.settings.testMode).toBe(false)
    expect(fn.settings.debugMode).toBe(false)
    expect(fn.mappings.map((m) => m.name)).toHaveLength(16)
    expect(fn.mappings.map((m) => m.name)).not.toContain('Report Conversions Event')
  })

  it.each([
    ['missing ad account', { ...BASE_CONFIG, inputs: { conversion_token: { value: 't' } } }, 'inputs.ad_account_id', 'This field is required.'],
    ['empty token', withInputs({ conversion_token: { value: '' } }), 'inputs.conversion_token', 'This field is required.'],
    ['letters in the ad account', withInputs({ ad_account_id: { value: 'act_123' } }), 'inputs.ad_account_id', 'does not match'],
    ['19 digits', withInputs({ ad_account_id: { value: '1234567890123456789' } }), 'inputs.ad_account_id', 'does not match'],
    ['numeric ad account', withInputs({ ad_account_id: { value: 549755885175 } }), 'inputs.ad_account_id', 'Value must be a string (quote numbers'],
    ['non-boolean test mode', withInputs({ test_mode: { value: 'yes' } }), 'inputs.test_mode', 'Value must be a boolean'],
    ['unknown input', withInputs({ ad_account: { value: '1' } }), 'inputs', 'an input name is not known; known inputs: ad_account_id, conversion_token, debug_mode, test_mode'],
    ['misspelt input', withInputs({ ad_acount_id: { value: '1' } }), 'inputs.ad_acount_id', 'an input name is not known; did you mean ad_account_id?'],
    ['unknown template', { ...BASE_CONFIG, template_id: 'template-pinterest-ads' }, 'template_id', "No such template; this destination is 'segment-actions-pinterest-conversions-api'"],
    ['missing template', { inputs: BASE_CONFIG.inputs }, 'template_id', ''],
    ['wrong type', { ...BASE_CONFIG, type: 'transformation' }, 'type', ''],
    ['mappings not an array', { ...BASE_CONFIG, mappings: {} }, 'mappings', ''],
    [
      'unknown event name',
      { ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs: { event_name: { value: 'purchase!' } } }] },
      'mappings[0].inputs.event_name',
      'Value is not one of the choices; use one of add_payment_info,',
    ],
    [
      'bad action source',
      { ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs: { action_source: { value: 'email' } } }] },
      'mappings[0].inputs.action_source',
      'Value is not one of the choices; use one of web, app_android, app_ios, offline.',
    ],
    ['user_data not a dictionary', { ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs: { user_data: { value: 'x' } } }] }, 'mappings[0].inputs.user_data', 'dictionary'],
    [
      'bad template',
      { ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs: { custom_data: { value: { value: '{sum(event.properties.x)}' } } } }] },
      'mappings[0].inputs.custom_data.value',
      "invalid template at position 1: unknown function 'sum'",
    ],
    ['bad filter', { ...BASE_CONFIG, mappings: [{ name: 'X', filters: { events: [{ id: 5 }] } }] }, 'mappings[0].filters.events[0].id', ''],
    ['secret placeholder without a stored secret', withInputs({ conversion_token: { secret: true } }), 'inputs.conversion_token', 'stored secret'],
  ])('%s is an error naming %s', async (_label, config, field, message) => {
    const error = await configError(config)
    expect(error.field).toBe(field)
    expect(error.message).toContain(message)
  })

  it('treats a __proto__ input key as an unknown input, not a prototype', async () => {
    const raw = JSON.parse('{"template_id": "segment-actions-pinterest-conversions-api", "inputs": {"__proto__": {"value": "x"}, "ad_account_id": {"value": "1"}, "conversion_token": {"value": "t"}}}')
    const error = await configError(raw)
    expect(error.field).toBe('inputs.__proto__')
    expect(({} as Record<string, unknown>).value).toBeUndefined()
  })

  it('rejects configurations that are not objects', async () => {
    expect((await configError(null)).field).toBe('configuration')
    expect((await configError([])).field).toBe('configuration')
    expect((await configError('{}')).field).toBe('configuration')
  })

  it('never puts the conversion token into an error message', async () => {
    const token = 'pina_SECRET_should_not_leak'
    const errors = await Promise.all([
      configError({ ...BASE_CONFIG, inputs: { conversion_token: { value: token } } }),
      configError({ ...BASE_CONFIG, inputs: { ...BASE_CONFIG.inputs, conversion_token: { value: token }, junk: { value: 1 } } }),
    ])
    for (const error of errors) expect(error.message).not.toContain(token)
  })

  it('keeps the token out of JSON and inspection', async () => {
    const fn = await compileFunction(withInputs({ conversion_token: { value: 'pina_SECRET_xyz' } }))
    expect(JSON.stringify(fn.settings)).not.toContain('pina_SECRET_xyz')
    expect(require('node:util').inspect(fn)).not.toContain('pina_SECRET_xyz')
    expect(fn.settings.conversionToken.reveal()).toBe('pina_SECRET_xyz')
  })

  it('accepts a custom advertiser-defined event name and a custom mapping', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [
        {
          name: 'Quote requested',
          filters: { events: [{ id: 'Quote Requested', type: 'events' }] },
          inputs: { event_name: { value: 'quote_request' } },
        },
      ],
    })
    expect(fn.mappings.map((m) => m.name)).toEqual(['Quote requested'])
  })
})
