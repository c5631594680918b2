import type { parserIsolation } from '../../src/hog/parser'
import type { compileFunction } from '../../src/mapping/compile-function'
import type { invokeFunction } from '../../src/mapping/invoke'
import { BASE_CONFIG, fixtureEvent, NOW_MS } from '../helpers/fixtures'

// Each test has a module registry of its own, so that the parser starts out not loaded.
beforeEach(() => jest.resetModules())

function fresh(): { compileFunction: typeof compileFunction; parserIsolation: typeof parserIsolation; invokeFunction: typeof invokeFunction } {
  return {
    ...(require('../../src/mapping/compile-function') as typeof import('../../src/mapping/compile-function')),
    ...(require('../../src/hog/parser') as typeof import('../../src/hog/parser')),
    ...(require('../../src/mapping/invoke') as typeof import('../../src/mapping/invoke')),
  }
}

test('a function of the prebuilt mappings compiles and maps with the parser never loaded', async () => {
  const m = fresh()
  const fn = await m.compileFunction(BASE_CONFIG)
  expect(fn.mappings).toHaveLength(16)
  expect(m.parserIsolation()).toBeUndefined()
  const order = fixtureEvent('Order Completed')
  const [result] = m.invokeFunction(fn, order, { nowMs: NOW_MS })
  expect(result).toMatchObject({ mapping: 'Checkout', status: 'event', event: { event_name: 'checkout', event_id: order.event.uuid } })
})

test('a template of its own loads the parser and compiles', async () => {
  const m = fresh()
  const config = { ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs: { event_id: { value: 'order-{event.properties.order_id}' } } }] }
  const fn = await m.compileFunction(config)
  expect(m.parserIsolation()).toBe('worker')
  const order = fixtureEvent('Order Completed')
  const [result] = m.invokeFunction(fn, { ...order, event: { ...order.event, properties: { ...order.event.properties, order_id: 'A-7' } } }, { nowMs: NOW_MS })
  expect(result).toMatchObject({ status: 'event', event: { event_id: 'order-A-7' } })
})

test('the prebuilt templates compile to the same values with the parser as from the recorded answers', async () => {
  const recorded = await fresh().compileFunction(BASE_CONFIG)
  jest.resetModules()
  const m = fresh()
  const parser = require('../../src/hog/parser') as typeof import('../../src/hog/parser')
  await parser.loadHogParser()
  // Without the recorded answers, every template goes to the parser.
  const template = require('../../src/template/load') as typeof import('../../src/template/load')
  jest.spyOn(template, 'loadParsedTemplates').mockReturnValue({ parser: 'none', answers: {} })
  const parsed = await m.compileFunction(BASE_CONFIG)
  expect(parsed.mappings.map((x) => x.inputs)).toEqual(recorded.mappings.map((x) => x.inputs))
})
