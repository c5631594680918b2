import { braceHint, completeTemplate, scanTemplate } from '../../src/ui/template-completions'

const suggestions = { events: ['Checkout'], eventProperties: ['$current_url', 'Order ID', 'revenue'], personProperties: ['email', 'Email Address'] }
const labels = (before: string) => completeTemplate(before, suggestions)?.options.map((o) => o.label) ?? null

test('outside {…} nothing is offered', () => {
  expect(completeTemplate('event.', suggestions)).toBeNull()
  expect(completeTemplate('{event.uuid} eve', suggestions)).toBeNull()
})

test('at the top of a hole the globals come first, then functions, filtered by what is typed', () => {
  expect(labels('{')?.slice(0, 6)).toEqual(['event', 'person', 'project', 'source', 'inputs', 'groups'])
  expect(labels('{')).toContain('lower')
  expect(labels('{pe')).toEqual(['person', 'upper'])
  expect(labels('{to')).toEqual(['toString', 'toInt', 'toFloat', 'toUnixTimestamp', 'toDate', 'toDateTime'])
  expect(labels('{lower(ev')).toEqual(['event'])
  expect(completeTemplate('{lower(ev', suggestions)?.from).toBe(7)
})

test('event. offers the event fields; event.properties. and person.properties. the names seen', () => {
  expect(labels('{event.')).toEqual(['event', 'uuid', 'distinct_id', 'timestamp', 'properties', 'elements_chain', 'url'])
  expect(labels('{event.properties.')).toEqual(['$current_url', 'Order ID', 'revenue'])
  expect(labels('{event.properties.$cu')).toEqual(['$current_url'])
  expect(labels('{person.properties.')).toEqual(['email', 'Email Address'])
  expect(labels('{person.')).toEqual(['id', 'name', 'url', 'properties'])
  expect(completeTemplate('{event.properties.rev', suggestions)).toEqual({
    from: 18,
    options: [{ label: 'revenue', kind: 'property', detail: 'seen in recent events', insert: 'revenue', insertFrom: 18 }],
  })
})

test('names that start with the typed text come before names that only contain it', () => {
  expect(labels('{person.properties.add')).toEqual(['Email Address'])
  expect(labels('{person.properties.EMA')).toEqual(['email', 'Email Address'])
})

test('a name that is no identifier is inserted in brackets, replacing the dot', () => {
  const found = completeTemplate('{event.properties.Ord', suggestions)
  expect(found?.options).toEqual([{ label: 'Order ID', kind: 'property', detail: 'seen in recent events', insert: "['Order ID']", insertFrom: 17 }])
  const quote = completeTemplate('{event.properties.', { ...suggestions, eventProperties: ["it's"] })
  expect(quote?.options[0].insert).toBe("['it\\'s']")
})

test('unknown paths, strings and numbers offer nothing', () => {
  expect(completeTemplate('{event.nothing.', suggestions)).toBeNull()
  expect(completeTemplate("{'event.", suggestions)).toBeNull()
  expect(completeTemplate('{1.', suggestions)).toBeNull()
})

test('a closed hole ends completion; braces inside a hole nest; quoted braces do not count', () => {
  expect(scanTemplate('{a}').holeStart).toBeNull()
  expect(scanTemplate('x {a').holeStart).toBe(3)
  expect(scanTemplate("{'}' + ").holeStart).toBe(1)
  expect(scanTemplate('{ {1: 2}').holeStart).toBe(1)
  expect(scanTemplate('\\{a').holeStart).toBeNull()
})

test('a hole left open gets a hint; a "}" in plain text is text', () => {
  expect(braceHint('{event.uuid')).toBe('A "{" is not closed: end the expression with "}".')
  expect(braceHint('{ {1: 2}')).toBe('A "{" is not closed: end the expression with "}".')
  expect(braceHint('event.uuid}')).toBeUndefined()
  expect(braceHint('\\{event')).toBeUndefined()
  expect(braceHint('{event.uuid} and {person.id}')).toBeUndefined()
  expect(braceHint("{'}'}")).toBeUndefined()
})
