import { loadTemplate } from '../../src/template/load'
import { SAMPLES, sampleGlobals } from '../../src/ui/sample-events'

const template = loadTemplate()
const takers = (event: string) =>
  template.mapping_templates.filter((m) => m.include_by_default && (m.filters as { events?: { id: string | null }[] } | undefined)?.events?.some((e) => e.id === event)).map((m) => m.name)

test('each sample is the trigger event of the prebuilt mapping it is named after, and of no other', () => {
  expect(SAMPLES.map((s) => [s.label, takers(s.event)])).toEqual([
    ['Checkout', ['Checkout']],
    ['Search', ['Search']],
    ['Add to Cart', ['Add to Cart']],
    ['Page view', ['Page Visit']],
  ])
})

test('a sample is invocation globals happening when and with the id it is given, with a person', () => {
  const globals = sampleGlobals(SAMPLES[0], '2026-12-01T10:00:00.000Z', 'uuid-1')
  expect(globals.event).toMatchObject({ uuid: 'uuid-1', event: 'Order Completed', timestamp: '2026-12-01T10:00:00.000Z', properties: { order_id: 'A-1001', currency: 'USD' } })
  expect(globals.person.properties.email).toBe('Jane.Doe@Acme-Customer.example')
  // Each call gets its own person: editing one sample's text never changes the next.
  expect(sampleGlobals(SAMPLES[0], 't', 'u').person).not.toBe(sampleGlobals(SAMPLES[0], 't', 'u').person)
})
