import { ConfigError } from '../../src/errors'
import * as runtime from '../../src/hog/runtime'
import { compileFunction, DEFAULT_TIME_BUDGET_MS } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { MAX_MAPPINGS } from '../../src/template/function-config-schema'
import { BASE_CONFIG, fixtureEvent, NOW_MS } from '../helpers/fixtures'

const EVERY_EVENT = { events: [{ id: null, type: 'events' }] }
// Tens of millions of VM operations: seconds of work, far beyond any budget below.
const SLOW = '{arrayMap(x -> arrayMap(y -> y, range(1000)), range(100000))}'

const mapping = (name: string, partnerName: string) => ({
  name,
  filters: EVERY_EVENT,
  inputs: { event_name: { value: 'lead' }, partner_name: { value: partnerName } },
})

describe('a function has a time budget per event', () => {
  it('is 100 ms unless configured', async () => {
    expect((await compileFunction(BASE_CONFIG)).timeBudgetMs).toBe(DEFAULT_TIME_BUDGET_MS)
    expect(DEFAULT_TIME_BUDGET_MS).toBe(100)
  })

  it('turns the whole result into an error with the reason when a mapping runs past it', async () => {
    const fn = await compileFunction({ ...BASE_CONFIG, mappings: [mapping('Fast', 'lead'), mapping('Slow', SLOW)] }, { timeBudgetMs: 30 })
    expect(invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS })).toEqual([{ mapping: 'Slow', status: 'error', reason: 'the function took longer than 30 ms on this event' }])
  })

  it('leaves functions within it alone', async () => {
    const fn = await compileFunction({ ...BASE_CONFIG, mappings: [mapping('Fast', 'lead'), mapping('Also fast', '{lower(event.event)}')] }, { timeBudgetMs: 30 })
    const results = invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS })
    expect(results.map((r) => [r.mapping, r.status])).toEqual([
      ['Fast', 'event'],
      ['Also fast', 'event'],
    ])
  })

  it('gives an event one more try when the thread was paused past the budget', async () => {
    const fn = await compileFunction({ ...BASE_CONFIG, mappings: [mapping('Fast', 'lead')] }, { timeBudgetMs: 30 })
    const realNow = Date.now.bind(Date)
    let calls = 0
    // The second clock reading (after the first mapping) comes a second late, as after a long GC pause.
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + (++calls === 2 ? 1_000 : 0))
    try {
      expect(invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS }).map((r) => [r.mapping, r.status])).toEqual([['Fast', 'event']])
      expect(calls).toBeGreaterThanOrEqual(4)
    } finally {
      clock.mockRestore()
    }
  })

  it('counts every mapping of the event against the same budget', async () => {
    // Each VM template stops at what is left of the budget, so the function as a whole stops near it.
    const slowMappings = Array.from({ length: 5 }, (_, i) => mapping(`Slow ${i}`, SLOW))
    const fn = await compileFunction({ ...BASE_CONFIG, mappings: slowMappings }, { timeBudgetMs: 40 })
    const results = invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS })
    expect(results).toEqual([{ mapping: 'Slow 0', status: 'error', reason: 'the function took longer than 40 ms on this event' }])
  })

  it("gives each mapping's VM templates the deadline of the function's budget, not one of their own", async () => {
    const vmMappings = Array.from({ length: 3 }, (_, i) => mapping(`VM ${i}`, '{lower(event.event)}'))
    const fn = await compileFunction({ ...BASE_CONFIG, mappings: vmMappings }, { timeBudgetMs: 40 })
    const run = jest.spyOn(runtime, 'runBytecode')
    // A clock that moves 1 ms at each reading, so that a deadline taken per mapping could not come out the same.
    const realNow = Date.now.bind(Date)
    let readings = 0
    const before = realNow()
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => before + ++readings)
    try {
      const results = invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS })
      expect(results.map((r) => [r.mapping, r.status])).toEqual([
        ['VM 0', 'event'],
        ['VM 1', 'event'],
        ['VM 2', 'event'],
      ])
      const deadlines = run.mock.calls.map((call) => call[2])
      expect(deadlines).toHaveLength(3)
      expect(new Set(deadlines).size).toBe(1)
      expect(deadlines[0]).toBe(before + 1 + 40)
      expect(readings).toBeGreaterThanOrEqual(4)
    } finally {
      clock.mockRestore()
      run.mockRestore()
    }
  })
})

describe('the mappings of a function are capped', () => {
  it(`accepts ${MAX_MAPPINGS} mappings and refuses more, naming mappings`, async () => {
    const many = (count: number) => ({ ...BASE_CONFIG, mappings: Array.from({ length: count }, (_, i) => mapping(`M${i}`, 'lead')) })
    expect((await compileFunction(many(MAX_MAPPINGS))).mappings).toHaveLength(MAX_MAPPINGS)
    const error = await compileFunction(many(MAX_MAPPINGS + 1)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe('mappings')
    expect((error as ConfigError).detail).toBe(`at most ${MAX_MAPPINGS} mappings per function`)
  })
})
