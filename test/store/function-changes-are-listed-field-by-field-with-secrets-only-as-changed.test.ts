import { activityOf, functionChanges } from '../../src/store/function-diff'
import type { FunctionState } from '../../src/store/types'

const TOKEN = 'pina_SECRET_diff_token_0001'

const state: FunctionState = {
  name: 'Pinterest',
  description: '',
  enabled: true,
  deleted: false,
  inputs: { ad_account_id: { value: '549755885175' } },
  secrets: { conversion_token: TOKEN },
  mappings: [{ name: 'Checkout' }],
  filters: null,
}

describe('functionChanges', () => {
  it('lists no change between equal states', () => {
    expect(functionChanges(state, structuredClone(state))).toEqual([])
  })

  it('lists every field of a new function as created, the secret as {secret: true}', () => {
    expect(functionChanges(null, state)).toEqual([
      { type: 'HogFunction', action: 'created', field: 'name', before: null, after: 'Pinterest' },
      { type: 'HogFunction', action: 'created', field: 'description', before: null, after: '' },
      { type: 'HogFunction', action: 'created', field: 'enabled', before: null, after: true },
      { type: 'HogFunction', action: 'created', field: 'deleted', before: null, after: false },
      { type: 'HogFunction', action: 'created', field: 'inputs.ad_account_id', before: null, after: '549755885175' },
      { type: 'HogFunction', action: 'created', field: 'inputs.conversion_token', before: null, after: { secret: true } },
      { type: 'HogFunction', action: 'created', field: 'mappings', before: null, after: [{ name: 'Checkout' }] },
    ])
  })

  it('names each changed field with its before and after, and each input by key', () => {
    const after = { ...state, name: 'Shop', enabled: false, inputs: { ad_account_id: { value: '1' }, test_mode: { value: true } }, filters: { events: [] } }
    expect(functionChanges(state, after)).toEqual([
      { type: 'HogFunction', action: 'changed', field: 'name', before: 'Pinterest', after: 'Shop' },
      { type: 'HogFunction', action: 'changed', field: 'enabled', before: true, after: false },
      { type: 'HogFunction', action: 'changed', field: 'inputs.ad_account_id', before: '549755885175', after: '1' },
      { type: 'HogFunction', action: 'created', field: 'inputs.test_mode', before: null, after: true },
      { type: 'HogFunction', action: 'created', field: 'filters', before: null, after: { events: [] } },
    ])
  })

  it('shows a changed, added or removed secret only as changed, never its value', () => {
    const changed = functionChanges(state, { ...state, secrets: { conversion_token: `${TOKEN}-new` } })
    expect(changed).toEqual([{ type: 'HogFunction', action: 'changed', field: 'inputs.conversion_token', before: { secret: true }, after: { secret: true } }])
    const removed = functionChanges(state, { ...state, secrets: {} })
    expect(removed).toEqual([{ type: 'HogFunction', action: 'deleted', field: 'inputs.conversion_token', before: { secret: true }, after: null }])
    expect(JSON.stringify([changed, removed, functionChanges(null, state)])).not.toContain('pina_')
  })

  it('lists mappings one by one by name: a changed inner value, an added and a removed mapping', () => {
    const checkout = { name: 'Checkout', inputs: { value: { value: '{event.properties.revenue}' } } }
    const lead = { name: 'Lead', inputs: {} }
    const before = { ...state, mappings: [{ name: 'Checkout' }, { name: 'Page visit' }] }
    expect(functionChanges(before, { ...state, mappings: [checkout, lead] })).toEqual([
      { type: 'HogFunction', action: 'changed', field: 'mappings.Checkout', before: { name: 'Checkout' }, after: checkout },
      { type: 'HogFunction', action: 'deleted', field: 'mappings.Page visit', before: { name: 'Page visit' }, after: null },
      { type: 'HogFunction', action: 'created', field: 'mappings.Lead', before: null, after: lead },
    ])
  })

  it('lists a new order of the same mappings as one change of their names', () => {
    const before = { ...state, mappings: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] }
    expect(functionChanges(before, { ...state, mappings: [{ name: 'C' }, { name: 'A' }, { name: 'B' }] })).toEqual([
      { type: 'HogFunction', action: 'changed', field: 'mappings', before: ['A', 'B', 'C'], after: ['C', 'A', 'B'] },
    ])
  })

  it('tells apart mappings of one name by their rank, and unnamed ones by position', () => {
    const before = { ...state, mappings: [{ name: 'X', n: 1 }, { name: 'X', n: 2 }, { n: 3 }] }
    const after = { ...state, mappings: [{ name: 'X', n: 1 }, { name: 'X', n: 20 }, { n: 3 }] }
    expect(functionChanges(before, after)).toEqual([{ type: 'HogFunction', action: 'changed', field: 'mappings.X#2', before: { name: 'X', n: 2 }, after: { name: 'X', n: 20 } }])
  })
})

describe('activityOf', () => {
  it('is created, deleted for a soft delete, and updated otherwise (an undelete too)', () => {
    const deleted = { ...state, deleted: true }
    expect(activityOf(null, state)).toBe('created')
    expect(activityOf(state, deleted)).toBe('deleted')
    expect(activityOf(deleted, state)).toBe('updated')
    expect(activityOf(state, { ...state, name: 'x' })).toBe('updated')
  })
})

describe('equality of values', () => {
  it('ignores key order but not types: "1" is not 1, [] is not {}', () => {
    const reordered = { ...state, filters: { b: 1, a: [1, { c: null }] } }
    expect(functionChanges({ ...state, filters: { a: [1, { c: null }], b: 1 } }, reordered)).toEqual([])
    expect(functionChanges({ ...state, inputs: { ad_account_id: { value: 1 } } }, state).map((c) => c.field)).toEqual(['inputs.ad_account_id'])
    expect(functionChanges({ ...state, filters: {} }, { ...state, filters: [] }).map((c) => c.field)).toEqual(['filters'])
  })
})
