import * as fs from 'node:fs'
import * as path from 'node:path'
import { type FormValues, fieldsOf, initialValues, isDirty, type SchemaItem, toPayload, validate } from '../../src/ui/form-model'

const template = JSON.parse(fs.readFileSync(path.join(__dirname, '../../templates/pinterest-conversions-api.json'), 'utf8')) as { name: string; inputs_schema: SchemaItem[] }
const fields = fieldsOf(template.inputs_schema)

test("the Pinterest template's inputs become a string, a secret and two booleans, each with its label", () => {
  expect(fields.map((f) => [f.id, f.kind, f.label, f.required])).toEqual([
    ['inputs__ad_account_id', 'string', 'Ad account ID', true],
    ['inputs__conversion_token', 'secret', 'Conversion access token', true],
    ['inputs__debug_mode', 'boolean', 'Debug mode', false],
    ['inputs__test_mode', 'boolean', 'Test mode', false],
  ])
  expect(fields[0].description).toContain('Digits only, at most 18.')
})

test('choice, dictionary and json inputs get their kinds, with choices kept', () => {
  const kinds = fieldsOf([
    { key: 'source', type: 'choice', choices: [{ value: 'web', label: 'Web' }] },
    { key: 'data', type: 'dictionary' },
    { key: 'raw', type: 'json' },
    { key: 'odd', type: 'integration' },
  ])
  expect(kinds.map((f) => [f.key, f.kind, f.label])).toEqual([
    ['source', 'choice', 'source'],
    ['data', 'dictionary', 'data'],
    ['raw', 'json', 'raw'],
    ['odd', 'json', 'odd'],
  ])
  expect(kinds[0].choices).toEqual([{ value: 'web', label: 'Web' }])
})

test("a new destination starts from the template's defaults", () => {
  expect(initialValues(fields, { name: template.name, enabled: true }, true)).toEqual({
    name: 'Pinterest Conversions API',
    description: '',
    enabled: true,
    inputs: { ad_account_id: '', conversion_token: { set: false, value: '' }, debug_mode: false, test_mode: false },
    filters: { rest: null, rows: [], hadProperties: false },
  })
})

const saved = {
  name: 'Shop',
  description: 'main shop',
  enabled: false,
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { secret: true }, test_mode: { value: true } },
}

test('a saved destination shows its values, its token only as set', () => {
  expect(initialValues(fields, saved, false)).toEqual({
    name: 'Shop',
    description: 'main shop',
    enabled: false,
    inputs: { ad_account_id: '549755885175', conversion_token: { set: true }, debug_mode: false, test_mode: true },
    filters: { rest: null, rows: [], hadProperties: false },
  })
})

test('saving an untouched form sends back what the API returned: the token stays {secret: true}', () => {
  const values = initialValues(fields, saved, false)
  expect(toPayload(fields, values)).toEqual({
    name: 'Shop',
    description: 'main shop',
    enabled: false,
    inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { secret: true }, debug_mode: { value: false }, test_mode: { value: true } },
  })
})

test('dictionary rows become an object and JSON text is parsed', () => {
  const extra = fieldsOf([
    { key: 'data', type: 'dictionary' },
    { key: 'raw', type: 'json' },
  ])
  const values: FormValues = {
    name: ' x ',
    description: '',
    enabled: true,
    inputs: {
      data: [
        ['email', '{person.properties.email}'],
        [' id ', '1'],
      ],
      raw: '{"a": [1, 2]}',
    },
  }
  expect(toPayload(extra, values)).toEqual({ name: 'x', description: '', enabled: true, inputs: { data: { value: { email: '{person.properties.email}', id: '1' } }, raw: { value: { a: [1, 2] } } } })
  expect(initialValues(extra, { name: 'x', enabled: true, inputs: { data: { value: { email: 'e' } }, raw: { value: { a: 1 } } } }, false).inputs).toEqual({
    data: [['email', 'e']],
    raw: '{\n  "a": 1\n}',
  })
})

describe('checks before saving', () => {
  const valid = (): FormValues => ({
    name: 'Shop',
    description: '',
    enabled: true,
    inputs: { ad_account_id: '123', conversion_token: { set: false, value: 'tok' }, debug_mode: false, test_mode: false },
  })

  test('a complete form has no problems', () => {
    expect(validate(fields, valid())).toEqual({})
  })

  test('the ad account id takes digits only, at most 18', () => {
    for (const bad of ['12a', '1234567890123456789', '-1']) {
      const values = valid()
      values.inputs.ad_account_id = bad
      expect(validate(fields, values)).toEqual({ inputs__ad_account_id: 'Digits only, at most 18.' })
    }
    const values = valid()
    values.inputs.ad_account_id = '123456789012345678'
    expect(validate(fields, values)).toEqual({})
  })

  test('required fields left empty are named; a token already set needs no new value', () => {
    const values = valid()
    values.name = '  '
    values.inputs.ad_account_id = ''
    values.inputs.conversion_token = { set: false, value: '' }
    expect(validate(fields, values)).toEqual({ name: 'This field is required.', inputs__ad_account_id: 'This field is required.', inputs__conversion_token: 'This field is required.' })
    values.inputs.conversion_token = { set: true }
    expect(validate(fields, values).inputs__conversion_token).toBeUndefined()
  })

  test('invalid JSON and duplicate dictionary keys are flagged', () => {
    const extra = fieldsOf([
      { key: 'data', type: 'dictionary' },
      { key: 'raw', type: 'json' },
    ])
    const values: FormValues = {
      name: 'x',
      description: '',
      enabled: true,
      inputs: {
        data: [
          ['a', '1'],
          ['a', '2'],
        ],
        raw: '{',
      },
    }
    expect(validate(extra, values)).toEqual({ inputs__data: 'Each key may appear only once.', inputs__raw: 'This is not valid JSON.' })
  })
})

describe('dirty detection', () => {
  const clean = () => initialValues(fields, saved, false)

  test('an untouched form, or one with only surrounding spaces added, is clean', () => {
    const values = clean()
    expect(isDirty(fields, clean(), values)).toBe(false)
    values.name = ' Shop '
    expect(isDirty(fields, clean(), values)).toBe(false)
  })

  test('a changed value, the enabled switch or a token typed anew make it dirty', () => {
    const changes: ((v: FormValues) => void)[] = [
      (v) => {
        v.inputs.ad_account_id = '1'
      },
      (v) => {
        v.enabled = true
      },
      (v) => {
        v.inputs.conversion_token = { set: false, value: 'new' }
      },
    ]
    for (const change of changes) {
      const values = clean()
      change(values)
      expect(isDirty(fields, clean(), values)).toBe(true)
    }
  })
})
