import { parseFunctionConfig } from '../../src/template/function-config'
import { defaultMappings, loadTemplate } from '../../src/template/load'
import { placeProblems } from '../../src/ui/form-model'
import {
  addFromTemplate,
  addOptions,
  blankTemplate,
  draftsOf,
  duplicate,
  type MappingTemplate,
  mappingFieldForAttr,
  mappingProblems,
  mappingsDirty,
  remove,
  rename,
  setDisabled,
  setEvents,
  setInput,
  toApiMappings,
} from '../../src/ui/mappings'

// The template as the REST API presents it, and a function's mappings as it stores them on create.
const template = loadTemplate()
const templates = template.mapping_templates as unknown as MappingTemplate[]
const saved = draftsOf(defaultMappings(template), templates)
const serverAccepts = (mappings: unknown) => parseFunctionConfig({ template_id: template.id, inputs: { ad_account_id: { value: '1' }, conversion_token: { value: 't' } }, mappings }, template)

test('the default mappings are read with their triggers and action sources and saved back unchanged but for the explicit switch', () => {
  expect(saved.slice(0, 3).map((d) => [d.name, d.events, d.inputs.action_source])).toEqual([
    ['Checkout', ['Order Completed'], 'web'],
    ['Search', ['Products Searched'], 'web'],
    ['Add to Cart', ['Product Added'], 'web'],
  ])
  const expected = defaultMappings(template).map((m) => ({ name: m.name, disabled: false, filters: m.filters, inputs: m.inputs }))
  expect(toApiMappings(saved, templates)).toEqual(expected)
  expect(mappingsDirty(saved, draftsOf(defaultMappings(template), templates), templates)).toBe(false)
})

test('switching a mapping off changes only that mapping, and switching it back on is no change', () => {
  const off = setDisabled(saved, 'm2', true)
  expect(toApiMappings(off, templates).map((m) => [m.name, m.disabled])).toEqual(saved.map((d) => [d.name, d.name === 'Search']))
  expect(mappingsDirty(saved, off, templates)).toBe(true)
  expect(mappingsDirty(saved, setDisabled(off, 'm2', false), templates)).toBe(false)
  expect(() => serverAccepts(toApiMappings(off, templates))).not.toThrow()
})

test('rename, duplicate below with a free name, and remove', () => {
  const renamed = rename(saved, 'm1', 'Web orders')
  expect(toApiMappings(renamed, templates)[0].name).toBe('Web orders')
  const twice = duplicate(duplicate(saved, 'm1'), 'm1')
  expect(twice.slice(0, 4).map((d) => [d.key, d.name])).toEqual([
    ['m1', 'Checkout'],
    [`m${saved.length + 2}`, 'Checkout (copy) (2)'],
    [`m${saved.length + 1}`, 'Checkout (copy)'],
    ['m2', 'Search'],
  ])
  expect(toApiMappings(twice, templates)[2].inputs).toEqual(toApiMappings(saved, templates)[0].inputs)
  expect(
    remove(saved, 'm2')
      .map((d) => d.name)
      .slice(0, 2),
  ).toEqual(['Checkout', 'Add to Cart'])
  expect(() => serverAccepts(toApiMappings(twice, templates))).not.toThrow()
})

test('a Report Conversions Event mapping is added with its defaults, a typed trigger and an offline action source', () => {
  const blank = blankTemplate(templates)
  expect(blank?.name).toBe('Report Conversions Event')
  const options = addOptions(saved, templates).map((t) => t.name)
  // Every default mapping is present; the prebuilt ones left are those not included by default.
  expect(options).toEqual(templates.filter((t) => !t.include_by_default).map((t) => t.name))
  const added = addFromTemplate(saved, blank as MappingTemplate, ['Store Purchase'])
  const offline = setInput(added.drafts, added.key, 'action_source', 'offline')
  const sent = toApiMappings(offline, templates).at(-1)
  expect(sent?.name).toBe('Report Conversions Event')
  expect(sent?.filters).toEqual({ events: [{ id: 'Store Purchase', name: 'Store Purchase', type: 'events' }] })
  expect(sent?.inputs?.event_name).toEqual({ value: 'custom' })
  expect(sent?.inputs?.action_source).toEqual({ value: 'offline' })
  expect(sent?.inputs?.user_data?.value).toMatchObject({ email: '{person.properties.email ?? event.properties.email}' })
  const second = addFromTemplate(offline, blank as MappingTemplate, ['Store Refund'])
  expect(second.drafts.at(-1)?.name).toBe('Report Conversions Event (2)')
  expect(() => serverAccepts(toApiMappings(second.drafts, templates))).not.toThrow()
})

test('an emptied input with no default is left out; one with a default is sent empty, so the default does not come back', () => {
  const partner = setInput(saved, 'm1', 'partner_name', '')
  expect(toApiMappings(partner, templates)[0].inputs).not.toHaveProperty('partner_name')
  expect(mappingsDirty(saved, partner, templates)).toBe(false)
  const url = setInput(saved, 'm1', 'event_source_url', '')
  expect(toApiMappings(url, templates)[0].inputs?.event_source_url).toEqual({ value: '' })
  const wifi = setInput(saved, 'm1', 'wifi', 'true')
  expect(toApiMappings(wifi, templates)[0].inputs?.wifi).toEqual({ value: true })
})

test('trigger events are kept once each, with their own filters; with none the mapping is sent with empty filters, which take every event', () => {
  const withProperties = draftsOf([{ name: 'Checkout', filters: { events: [{ id: 'A', name: 'A', type: 'events', properties: [{ key: 'x', type: 'event', operator: 'is_set' }] }] } }], templates)
  expect(toApiMappings(setEvents(withProperties, 'm1', ['A', 'B', 'A']), templates)[0].filters).toEqual({
    events: [
      { id: 'A', name: 'A', type: 'events', properties: [{ key: 'x', type: 'event', operator: 'is_set' }] },
      { id: 'B', name: 'B', type: 'events' },
    ],
  })
  expect(toApiMappings(setEvents(saved, 'm1', []), templates)[0].filters).toEqual({})
  const all = draftsOf([{ name: 'Lead', filters: { events: [{ id: null, type: 'events' }] } }], templates)
  expect(all[0].events).toEqual([])
})

test('a mapping stored without filters shows, and saves, the trigger of its prebuilt mapping, which it runs with', () => {
  const [lead] = draftsOf([{ name: 'Lead', inputs: {} }], templates)
  expect(lead.events).toEqual(['Lead Generated'])
  expect(toApiMappings([lead], templates)[0].filters).toEqual({ events: [{ id: 'Lead Generated', name: 'Lead Generated', type: 'events' }] })
})

test('mappings read back after a save keep the keys of the drafts sent, in order', () => {
  const sent = duplicate(remove(saved, 'm1'), 'm2')
  const keys = sent.map((d) => d.key)
  expect(keys.slice(0, 3)).toEqual(['m2', `m${saved.length + 1}`, 'm3'])
  const readBack = draftsOf(toApiMappings(sent, templates), templates, keys)
  expect(readBack.map((d) => [d.key, d.name])).toEqual(sent.map((d) => [d.key, d.name]))
  expect(
    draftsOf(toApiMappings(sent, templates), templates)
      .map((d) => d.key)
      .slice(0, 2),
  ).toEqual(['m1', 'm2'])
})

test('problems known before saving are found at their fields', () => {
  let drafts = rename(saved, 'm1', '  ')
  drafts = setInput(drafts, 'm2', 'event_name', 'has spaces')
  drafts = setInput(drafts, 'm3', 'user_data', [
    ['email', '{person.properties.email}'],
    ['email', '{event.properties.email}'],
  ])
  drafts = setInput(drafts, 'm4', 'event_time', '')
  drafts = setInput(drafts, 'm5', 'event_name', 'my_custom_event')
  expect(mappingProblems(drafts, templates)).toEqual({
    'mapping-m1-name': 'A mapping needs a name.',
    'mapping-m2-input-event_name': 'Not a standard name, and a custom name must match ^[A-Za-z0-9_-]{1,100}$.',
    'mapping-m3-input-user_data': 'Each key may appear only once.',
    'mapping-m4-input-event_time': 'This field is required.',
  })
})

test("a server error's attr lands on the mapping field it names", () => {
  const drafts = setInput(saved, 'm1', 'user_data', [['emial', '{person.properties.email}']])
  expect(mappingFieldForAttr(drafts, 'mappings__0__inputs__user_data__emial')).toBe('mapping-m1-input-user_data-key-0')
  expect(mappingFieldForAttr(drafts, 'mappings__0__inputs__user_data')).toBe('mapping-m1-input-user_data')
  expect(mappingFieldForAttr(drafts, 'mappings__1__name')).toBe('mapping-m2-name')
  expect(mappingFieldForAttr(drafts, 'mappings__2__filters__events__0__id')).toBe('mapping-m3-events')
  expect(mappingFieldForAttr(drafts, 'mappings__3')).toBe('mapping-m4')
  expect(mappingFieldForAttr(drafts, 'mappings__99__name')).toBeNull()
  expect(mappingFieldForAttr(drafts, 'mappings')).toBeNull()
  expect(
    placeProblems(
      [],
      [
        { attr: 'mappings__1__name', detail: 'not a prebuilt mapping; did you mean Search?' },
        { attr: 'mappings', detail: 'at most 100 mappings per function' },
      ],
      (attr) => mappingFieldForAttr(drafts, attr),
    ),
  ).toEqual({ byField: { 'mapping-m2-name': 'not a prebuilt mapping; did you mean Search?' }, general: ['mappings: at most 100 mappings per function'] })
})
