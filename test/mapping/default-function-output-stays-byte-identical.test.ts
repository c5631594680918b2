import fs from 'node:fs'
import path from 'node:path'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { loadTemplate } from '../../src/template/load'
import { BASE_CONFIG, fixtureEvent, fixtureEvents, NOW_MS } from '../helpers/fixtures'

/**
 * The serialised results of the default function (all default mappings) on the fixture events, on each
 * fixture renamed to every event a default mapping takes, and on an Order Completed with one field
 * changed at a time to the odd values shops send. Mapping is tuned for speed; this pins its output to
 * the byte. After a deliberate change of output: UPDATE_GOLDEN=1 npx jest <this file>, and review the diff.
 */
const GOLDEN = path.join(__dirname, '../fixtures/mapping/default-function-output.jsonl')

type Case = [name: string, event: unknown]

function mappedEventNames(): string[] {
  const names = loadTemplate().mapping_templates.flatMap((m) => (m.include_by_default ? ((m.filters?.events ?? []) as { id: string }[]).map((e) => e.id) : []))
  return [...new Set(names)]
}

function renamed(): Case[] {
  return fixtureEvents().flatMap((globals, line) =>
    mappedEventNames().map((name): Case => [`fixture ${line + 1} as ${name}`, { ...structuredClone(globals), event: { ...structuredClone(globals.event), event: name } }]),
  )
}

const ODD_VALUES: Record<string, unknown[]> = {
  'event.properties.products.0.price': [0.30000000000000004, 1e21, 1e-7, 123456789.12345679, -3, 0, -0, '19.99', ' 5 ', 'abc', '1e3', Number.NaN, Number.POSITIVE_INFINITY, true, {}],
  'event.properties.products.0.quantity': ['2', 2.5, -1, null, '3 ', 1e16, 'two'],
  'event.properties.products.0.product_id': [42, '', '  spaced  ', ['a'], 'x'.repeat(70_000), 12345678901234567890n],
  'event.properties.products.0.name': [' Lamp ', 7, { name: 'x' }],
  'event.properties.products': ['not a list', { product_id: 'solo', price: 3 }, [null, 1, 'x', { sku: 'y' }], []],
  'event.properties.revenue': ['175.00', 'abc', 1e-7, -12.5],
  'event.properties.currency': ['usd', 'US Dollar', 5, ''],
  'event.properties.order_id': [1001, ''],
  'event.properties.$ip': ['2001:db8::1', 'not an ip', ''],
  'event.properties.$raw_user_agent': [undefined, ''],
  'event.properties.epik': [undefined],
  'event.properties.$current_url': ['not a url', 'https://shop.example/' + 'a'.repeat(3000)],
  'event.timestamp': ['2026-11-20T10:15:00.000Z', '2026-11-29T12:15:00.000Z', 1795947300, 1795947300000, 'yesterday'],
  'person.properties.email': [' Jane.Doe@Example.COM ', 'b'.repeat(64), 'not an email', ''],
  'person.properties.phone': ['(503) 555-0142', '+44 20 7946 0958', 'call me'],
  'person.properties.gender': ['Male', 'x', 'F'],
  'person.properties.date_of_birth': ['1988/07/04', '19880704', 'July 4th'],
  'person.properties.country': ['us', 'Deutschland'],
  'person.properties.state': ['OR', 'New York'],
  'person.properties.zip': ['97205-1234', 'SW1A 1AA'],
  person: [null, { id: 'p', properties: {} }],
}

function withValue(base: unknown, dotted: string, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>
  const keys = dotted.split('.')
  let target = copy as Record<string, unknown>
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
  const last = keys[keys.length - 1]
  if (value === undefined) delete target[last]
  else target[last] = value
  return copy
}

function oddValues(): Case[] {
  const order = fixtureEvent('Order Completed')
  return Object.entries(ODD_VALUES).flatMap(([dotted, values]) => values.map((value, i): Case => [`Order Completed, ${dotted} #${i}`, withValue(order, dotted, value)]))
}

function cases(): Case[] {
  return [...fixtureEvents().map((globals, line): Case => [`fixture ${line + 1}`, globals]), ...renamed(), ...oddValues()]
}

it('maps every golden case to the same JSON as before, byte for byte', async () => {
  const fn = await compileFunction(BASE_CONFIG)
  const lines = cases().map(([name, event]) => JSON.stringify({ case: name, results: invokeFunction(fn, event, { nowMs: NOW_MS }) }))
  if (process.env.UPDATE_GOLDEN === '1') fs.writeFileSync(GOLDEN, lines.join('\n') + '\n')
  const golden = fs.readFileSync(GOLDEN, 'utf8').split('\n').slice(0, -1)
  expect(lines).toHaveLength(golden.length)
  for (let i = 0; i < lines.length; i++) expect(lines[i]).toBe(golden[i])
})
