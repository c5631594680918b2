import { fieldForAttr, fieldsOf, initialValues, isDirty, placeProblems, toPayload, validate } from '../../src/ui/form-model'
import { filterPartForAttr, filterProblems, filtersPayload, filtersValue, newRow, OPERATORS } from '../../src/ui/property-filters'

test("PostHog's operators, with its labels, in its order", () => {
  expect(OPERATORS.map((o) => `${o.value}=${o.label}`)).toEqual([
    'exact=equals',
    "is_not=doesn't equal",
    'icontains=contains',
    "not_icontains=doesn't contain",
    'regex=matches regex',
    "not_regex=doesn't match regex",
    'gt=greater than',
    'gte=greater than or equal to',
    'lt=less than',
    'lte=less than or equal to',
    'is_set=is set',
    'is_not_set=is not set',
  ])
})

test('a function without filters saves none until a filter is added', () => {
  const value = filtersValue(null)
  expect(value).toEqual({ rest: null, rows: [], hadProperties: false })
  expect(filtersPayload(value)).toBeUndefined()
  const added = { ...value, rows: [{ ...newRow(), key: '$current_url', operator: 'icontains' as const, value: 'checkout' }] }
  expect(filtersPayload(added)).toEqual({ properties: [{ key: '$current_url', operator: 'icontains', type: 'event', value: 'checkout' }] })
})

test('the rest of filters is kept, an unchanged filter is saved as it was, a changed one in the form', () => {
  const loaded = filtersValue({
    events: [{ id: 'Checkout', type: 'events' }],
    filter_test_accounts: true,
    properties: [
      { key: 'plan', operator: 'exact', value: ['pro', 'team'], type: 'person' },
      { key: 'revenue', operator: 'gt', value: 10, type: 'event' },
    ],
  })
  expect(loaded.rows.map(({ loaded: _, ...row }) => row)).toEqual([
    { type: 'person', key: 'plan', operator: 'exact', value: 'pro, team' },
    { type: 'event', key: 'revenue', operator: 'gt', value: '10' },
  ])
  const changed = { ...loaded, rows: [loaded.rows[0], { ...loaded.rows[1], value: '20.5' }, { ...newRow(), key: 'email', type: 'person' as const, operator: 'is_set' as const, value: 'ignored' }] }
  expect(filtersPayload(changed)).toEqual({
    events: [{ id: 'Checkout', type: 'events' }],
    filter_test_accounts: true,
    properties: [
      { key: 'plan', operator: 'exact', value: ['pro', 'team'], type: 'person' },
      { key: 'revenue', operator: 'gt', type: 'event', value: 20.5 },
      { key: 'email', operator: 'is_set', type: 'person' },
    ],
  })
  // Removing the last filter of a function that had some saves an empty list.
  expect(filtersPayload({ ...loaded, rows: [] })).toEqual({ events: [{ id: 'Checkout', type: 'events' }], filter_test_accounts: true, properties: [] })
})

test('a filter needs a key, and a value unless it only tests presence; numeric operators need a number', () => {
  expect(
    filterProblems([
      { ...newRow(), key: '', value: 'x' },
      { ...newRow(), key: 'a', operator: 'icontains', value: ' ' },
      { ...newRow(), key: 'a', operator: 'gte', value: 'ten' },
      { ...newRow(), key: 'a', operator: 'is_not_set', value: '' },
    ]),
  ).toEqual({
    filters__properties__0__key: 'Choose the property to compare.',
    filters__properties__1__value: 'Give a value to compare with.',
    filters__properties__2__value: 'This operator compares numbers: give a number.',
  })
})

test("a server error's attr lands on the filter part it names", () => {
  expect(filterPartForAttr('filters__properties__0__value')).toBe('filters__properties__0__value')
  expect(filterPartForAttr('filters__properties__2__value__1')).toBe('filters__properties__2__value')
  expect(filterPartForAttr('filters__properties__1')).toBe('filters__properties__1__key')
  expect(filterPartForAttr('filters__events__0__id')).toBeNull()
  const fields = fieldsOf([{ key: 'ad_account_id', type: 'string' }])
  expect(fieldForAttr(fields, 'filters__properties__0__operator')).toBe('filters__properties__0__operator')
  expect(placeProblems(fields, [{ attr: 'filters__properties__0__value', detail: "operator 'gt' needs a finite number" }])).toEqual({
    byField: { filters__properties__0__value: "operator 'gt' needs a finite number" },
    general: [],
  })
})

test('the form carries the filters: loaded from the function, checked, in the payload, and making the form dirty', () => {
  const fields = fieldsOf([{ key: 'ad_account_id', type: 'string' }])
  const saved = initialValues(
    fields,
    { name: 'P', enabled: true, inputs: { ad_account_id: { value: '1' } }, filters: { properties: [{ key: 'k', operator: 'exact', value: 'v', type: 'event' }] } },
    false,
  )
  expect(toPayload(fields, saved).filters).toEqual({ properties: [{ key: 'k', operator: 'exact', value: 'v', type: 'event' }] })
  expect(isDirty(fields, saved, saved)).toBe(false)
  const edited = { ...saved, filters: saved.filters && { ...saved.filters, rows: [...saved.filters.rows, newRow()] } }
  expect(isDirty(fields, saved, edited)).toBe(true)
  expect(validate(fields, edited)).toEqual({ filters__properties__1__key: 'Choose the property to compare.', filters__properties__1__value: 'Give a value to compare with.' })
  expect('filters' in toPayload(fields, initialValues(fields, { name: 'P', enabled: true }, true))).toBe(false)
})
