import { parseFunctionConfig } from '../../src/template/function-config'
import { defaultMappings, loadTemplate } from '../../src/template/load'
import { draftsOf, filtersScope, type MappingTemplate, mappingFieldForAttr, mappingProblems, mappingsDirty, setFilters, toApiMappings } from '../../src/ui/mappings'
import { newRow } from '../../src/ui/property-filters'

const template = loadTemplate()
const templates = template.mapping_templates as unknown as MappingTemplate[]
const saved = draftsOf(defaultMappings(template), templates)
const serverAccepts = (mappings: unknown) => parseFunctionConfig({ template_id: template.id, inputs: { ad_account_id: { value: '1' }, conversion_token: { value: 't' } }, mappings }, template)

test("a mapping's property filter is saved beside its trigger events, in the shape the server takes", () => {
  const [checkout] = saved
  const edited = setFilters(saved, 'm1', { ...checkout.filters, rows: [{ type: 'event', key: ' revenue ', operator: 'gt', value: '10' }] })
  const [sent] = toApiMappings(edited, templates)
  expect(sent.filters).toEqual({ properties: [{ key: 'revenue', operator: 'gt', type: 'event', value: 10 }], events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }] })
  expect(toApiMappings(edited, templates).slice(1)).toEqual(toApiMappings(saved, templates).slice(1))
  expect(mappingsDirty(saved, edited, templates)).toBe(true)
  expect(() => serverAccepts(toApiMappings(edited, templates))).not.toThrow()
})

test('property filters read from the server are saved back as they were, a list value included, and the rest of the filters kept', () => {
  const stored = defaultMappings(template).map((m, i) =>
    i === 0 ? { ...m, filters: { ...m.filters, filter_test_accounts: true, properties: [{ key: 'plan', operator: 'exact', type: 'person', value: ['pro', 'team'] }] } } : m,
  )
  const drafts = draftsOf(stored, templates)
  expect(drafts[0].filters.rows.map(({ type, key, operator, value }) => ({ type, key, operator, value }))).toEqual([{ type: 'person', key: 'plan', operator: 'exact', value: 'pro, team' }])
  expect(toApiMappings(drafts, templates)[0].filters).toEqual({
    filter_test_accounts: true,
    properties: [{ key: 'plan', operator: 'exact', type: 'person', value: ['pro', 'team'] }],
    events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }],
  })
  expect(mappingsDirty(drafts, draftsOf(stored, templates), templates)).toBe(false)
  // Removing the last filter saves an empty list, so the stored filter does not come back.
  expect(toApiMappings(setFilters(drafts, 'm1', { ...drafts[0].filters, rows: [] }), templates)[0].filters).toMatchObject({ properties: [] })
})

test("a mapping's filter problems, found before saving and named by the server, land on the filter's parts in that mapping", () => {
  const scope = filtersScope('m2')
  expect(scope).toBe('mapping-m2-filters')
  const edited = setFilters(saved, 'm2', { ...saved[1].filters, rows: [newRow(), { type: 'event', key: 'total', operator: 'lt', value: 'many' }] })
  expect(mappingProblems(edited, templates)).toEqual({
    'mapping-m2-filters__properties__0__key': 'Choose the property to compare.',
    'mapping-m2-filters__properties__0__value': 'Give a value to compare with.',
    'mapping-m2-filters__properties__1__value': 'This operator compares numbers: give a number.',
  })
  expect(mappingFieldForAttr(saved, 'mappings__1__filters__properties__1__value')).toBe('mapping-m2-filters__properties__1__value')
  expect(mappingFieldForAttr(saved, 'mappings__1__filters__properties__0')).toBe('mapping-m2-filters__properties__0__key')
  expect(mappingFieldForAttr(saved, 'mappings__1__filters__events__0')).toBe('mapping-m2-events')
})
