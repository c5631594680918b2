import { TEMPLATE_ID, useRestAppWithOneFunction, VALID_INPUTS } from '../helpers/rest-app'

const PASTED = 'pina_SECRETTOKEN123'
const inputs = VALID_INPUTS

const rest = useRestAppWithOneFunction()
const { call } = rest

const create = (payload: Record<string, unknown>) => call('POST', '/api/projects/1/hog_functions/', { template_id: TEMPLATE_ID, inputs, ...payload })
const update = (payload: Record<string, unknown>) => call('PATCH', `/api/projects/1/hog_functions/${rest.functionId}/`, payload)
const problem = (attr: string, detail: unknown) => ({ code: 'invalid_input', attr, detail })

describe('a validation answer', () => {
  it('lists every problem: PostHog’s fields for the first, and errors with each one', async () => {
    const response = await create({
      inputs: { ...inputs, ad_account_id: { value: PASTED } },
      mappings: [{ name: 'Chekout', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: { user_data: { value: { emial: '{event.properties.email}' } } } }],
    })
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ type: 'validation_error', code: 'invalid_input', attr: 'inputs__ad_account_id', detail: expect.stringMatching(/^Value does not match/) })
    expect(response.body.errors).toEqual([
      problem('inputs__ad_account_id', expect.stringMatching(/^Value does not match/)),
      problem('mappings__0__name', 'not a prebuilt mapping; did you mean Checkout? (a custom mapping needs a name unlike the prebuilt ones)'),
      problem('mappings__0__inputs__user_data__emial', 'a key is not known; did you mean email?'),
    ])
    expect(response.text).not.toContain('SECRETTOKEN123')
  })

  it.each([
    ['custom_data', { custom_data: { value: { curency: 'EUR' } } }, 'mappings__0__inputs__custom_data__curency', 'a key is not known; did you mean currency?'],
    ['device_info', { device_info: { value: { os_verison: '17' } } }, 'mappings__0__inputs__device_info__os_verison', 'a key is not known; did you mean os_version?'],
    ['app_info', { app_info: { value: { app_nmae: 'Shop' } } }, 'mappings__0__inputs__app_info__app_nmae', 'a key is not known; did you mean app_name?'],
    ['a mapping input', { evnet_name: { value: 'checkout' } }, 'mappings__0__inputs__evnet_name', 'an input name is not known; did you mean event_name?'],
  ])('names a misspelt key of %s with a suggestion, on update too', async (_label, mappingInputs, attr, detail) => {
    const response = await update({ mappings: [{ name: 'Checkout', inputs: mappingInputs }] })
    expect(response.status).toBe(400)
    expect(response.body.errors).toEqual([problem(attr, detail)])
    expect(response.body).toMatchObject({ attr, detail })
  })

  it('does not repeat a key far from every known one, and says which keys are known', async () => {
    const response = await update({ mappings: [{ name: 'Checkout', inputs: { user_data: { value: { [PASTED]: 'x', email: 'a@b.c' } } } }] })
    expect(response.status).toBe(400)
    expect(response.body.errors).toEqual([problem('mappings__0__inputs__user_data', expect.stringMatching(/^a key is not known; known keys: email, em, phone, ph, /))])
    expect(response.text).not.toContain('SECRETTOKEN123')
  })

  it('suggests for ten keys of an object at most, the others sharing one problem', async () => {
    const junk = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`email${i}`, 'x']))
    const response = await update({ mappings: [{ name: 'Checkout', inputs: { user_data: { value: junk } } }] })
    expect(response.status).toBe(400)
    const attrs = response.body.errors.map((e: { attr: string }) => e.attr)
    expect(attrs).toEqual([...Array.from({ length: 10 }, (_, i) => `mappings__0__inputs__user_data__email${i}`), 'mappings__0__inputs__user_data'])
  })

  it('takes a custom mapping whose name is far from every prebuilt one', async () => {
    const response = await update({ mappings: [{ name: 'Quote requested', filters: { events: [{ id: 'Quote Requested', type: 'events' }] }, inputs: { event_name: { value: 'lead' } } }] })
    expect(response.status).toBe(200)
    expect(response.body.mappings.map((m: { name: string }) => m.name)).toEqual(['Quote requested'])
  })

  it('lists every problem of a query string, each naming its parameter', async () => {
    const response = await fetch(`${rest.base}/api/projects/1/hog_functions/?limit=lots&offset=-1`, { headers: { authorization: `Bearer ${rest.key}` } })
    const body = (await response.json()) as { errors: { attr: string; detail: string }[] }
    expect(response.status).toBe(400)
    expect(body).toMatchObject({ type: 'validation_error', code: 'invalid_input', attr: 'limit' })
    expect(body.errors.map((e: { attr: string }) => e.attr)).toEqual(['limit', 'offset'])
    expect(body.errors[1].detail).toBe('querystring/offset must match pattern "^[0-9]{1,12}$"')
    expect(JSON.stringify(body)).not.toContain('lots')
  })

  it('lists every shape problem zod finds', async () => {
    const response = await create({ name: 5, enabled: 'yes' })
    expect(response.status).toBe(400)
    expect(response.body.errors.map((e: { attr: string }) => e.attr)).toEqual(['name', 'enabled'])
  })
})
