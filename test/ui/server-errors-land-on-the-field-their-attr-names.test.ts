import { fieldForAttr, fieldsOf, placeProblems } from '../../src/ui/form-model'

const fields = fieldsOf([
  { key: 'ad_account_id', type: 'string' },
  { key: 'user_data', type: 'dictionary' },
])

test('an attr naming an input, or a part of one, lands on that input', () => {
  expect(fieldForAttr(fields, 'inputs__ad_account_id')).toBe('inputs__ad_account_id')
  expect(fieldForAttr(fields, 'inputs__user_data__email')).toBe('inputs__user_data')
  expect(fieldForAttr(fields, 'name')).toBe('name')
})

test('an attr naming nothing on the form has no field', () => {
  expect(fieldForAttr(fields, 'inputs__ad_account')).toBeNull()
  expect(fieldForAttr(fields, 'mappings__0__inputs__event_name')).toBeNull()
  expect(fieldForAttr(fields, null)).toBeNull()
})

test('problems are spread over their fields, the others kept as form-level messages', () => {
  expect(
    placeProblems(fields, [
      { attr: 'inputs__ad_account_id', detail: 'Value does not match.' },
      { attr: 'inputs__ad_account_id', detail: 'A second problem.' },
      { attr: 'mappings__0__name', detail: 'Too long.' },
      { attr: null, detail: 'Not found.' },
    ]),
  ).toEqual({ byField: { inputs__ad_account_id: 'Value does not match.' }, general: ['mappings__0__name: Too long.', 'Not found.'] })
})
