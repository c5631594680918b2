import { ConfigError } from '../../src/errors'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { MappingPool } from '../../src/mapping/mapping-pool'
import { BASE_CONFIG, fixtureEvents, NOW_MS, FIXTURE_RESULTS } from '../helpers/fixtures'
import { expectValidPinterestEvent } from '../helpers/checked'

jest.setTimeout(60_000)

let pool: MappingPool

beforeAll(async () => {
  pool = await MappingPool.start(BASE_CONFIG, 2)
})

afterAll(async () => {
  await pool.close()
})

describe('mapping pool', () => {
  it('gives the same events as mapping on the main thread, serialised, in input order', async () => {
    const fn = await compileFunction(BASE_CONFIG)
    const events = fixtureEvents()
    const lines = events.map((e) => JSON.stringify(e))
    const results = await pool.map(lines, 1, NOW_MS)
    expect(results.map((r) => [r.line, r.mapping, r.status])).toEqual(FIXTURE_RESULTS)
    results.forEach((result, i) => {
      const [direct] = invokeFunction(fn, events[i], { nowMs: NOW_MS })
      if (result.status === 'event' && direct.status === 'event') {
        const text = Buffer.from(result.json).toString('utf8')
        expect(text).toBe(JSON.stringify(direct.event))
        expect(result.eventId).toBe(direct.event.event_id)
        expectValidPinterestEvent(JSON.parse(text))
      } else {
        expect(result).toMatchObject({ status: direct.status })
      }
    })
  })

  it('hands each event over as its own UTF-8 bytes, also when earlier events hold multi-byte characters', async () => {
    const order = fixtureEvents()[4] as { event: { uuid: string; properties: Record<string, unknown> } }
    const names = ['Lampe à poser 💡', 'plain', '灯 ✓', '']
    const lines = names.map((name, i) =>
      JSON.stringify({ ...order, event: { ...order.event, uuid: `0193-utf8-${i}`, properties: { ...order.event.properties, products: [{ product_id: 'p-1', name: name || undefined }] } } }),
    )
    const results = await pool.map(lines, 1, NOW_MS)
    const decoded = results.map((r) => (r.status === 'event' ? JSON.parse(Buffer.from(r.json).toString('utf8')) : r))
    expect(decoded.map((e) => [e.event_id, e.custom_data.contents])).toEqual([
      ['0193-utf8-0', [{ id: 'p-1', item_name: 'Lampe à poser 💡' }]],
      ['0193-utf8-1', [{ id: 'p-1', item_name: 'plain' }]],
      ['0193-utf8-2', [{ id: 'p-1', item_name: '灯 ✓' }]],
      ['0193-utf8-3', [{ id: 'p-1' }]],
    ])
    expect(results.map((r) => (r.status === 'event' ? r.eventId : r.status))).toEqual(['0193-utf8-0', '0193-utf8-1', '0193-utf8-2', '0193-utf8-3'])
  })

  it('reports bad lines and unmatched events, as the CLI reads them, and skips blank lines without renumbering', async () => {
    const results = await pool.map(['{oops', '   ', JSON.stringify({ event: '$autocapture', distinct_id: 'a' })], 10, NOW_MS)
    expect(results).toEqual([
      { line: 10, mapping: null, status: 'error', reason: 'line 10: invalid JSON at position 1' },
      { line: 12, mapping: null, status: 'filtered', reason: 'no mapping matched this event' },
    ])
  })

  it('spreads work over its threads', async () => {
    const line = JSON.stringify(fixtureEvents()[4])
    const batches = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.map(Array(50).fill(line), i * 50 + 1, NOW_MS)))
    expect(batches.flat().filter((r) => r.status === 'event')).toHaveLength(400)
    expect(pool.size).toBe(2)
  })

  it('fails to start on a bad configuration, naming the field', async () => {
    const error = await MappingPool.start({ ...BASE_CONFIG, inputs: { conversion_token: { value: 't' } } }, 1).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe('inputs.ad_account_id: This field is required.')
  })

  it('fails to start listing every problem of the configuration, as compiling it in this thread does', async () => {
    const config = { ...BASE_CONFIG, inputs: { ad_account_id: { value: 'acct 1' } } }
    const error = await MappingPool.start(config, 2).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems.map((p) => p.field)).toEqual(['inputs.ad_account_id', 'inputs.conversion_token'])
    expect((error as ConfigError).message).toBe(((await compileFunction(config).catch((e: unknown) => e)) as Error).message)
  })

  it('answers every line with an error when a worker dies mid-batch', async () => {
    const small = await MappingPool.start(BASE_CONFIG, 1)
    const line = JSON.stringify(fixtureEvents()[4])
    const pending = small.map(Array(20_000).fill(line), 1, NOW_MS)
    await (small as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0].worker.terminate()
    const results = await pending
    expect(results).toHaveLength(20_000)
    expect(results[0]).toEqual({ line: 1, mapping: null, status: 'error', reason: 'mapping worker stopped' })
    await small.close()
  })

  it('maps UTF-8 JSON-lines text as the lines, and copies a view into a larger buffer rather than moving it', async () => {
    const lines = fixtureEvents().map((e) => JSON.stringify(e))
    const whole = Buffer.from(`${lines.join('\r\n')}\n{"tail":true}`)
    const view = whole.subarray(0, whole.length - '{"tail":true}'.length)
    const results = await pool.map(view, 1, NOW_MS)
    expect(results.map((r) => [r.line, r.mapping, r.status])).toEqual(FIXTURE_RESULTS)
    expect(whole.toString('utf8').endsWith('{"tail":true}')).toBe(true)
  })

  it('prints the output of the lines in one buffer, and answers every line with an error line when a worker dies', async () => {
    const line = JSON.stringify(fixtureEvents()[4])
    const printed = await pool.print(Buffer.from(`${line}\n\n${line}\n`), 7, NOW_MS)
    const output = Buffer.from(printed.output).toString('utf8').split('\n')
    expect(output.map((text) => (text === '' ? null : (JSON.parse(text) as { line: number }).line))).toEqual([7, 9, null])
    expect(printed.counts).toEqual({ event: 2, skipped: 0, error: 0, filtered: 0 })
    const small = await MappingPool.start(BASE_CONFIG, 1)
    const pending = small.print(Buffer.from(`${line}\n`.repeat(20_000)), 1, NOW_MS)
    await (small as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots[0].worker.terminate()
    const lost = await pending
    expect(lost.counts).toEqual({ event: 0, skipped: 0, error: 20_000, filtered: 0 })
    expect(Buffer.from(lost.output).toString('utf8').split('\n')[0]).toBe('{"line":1,"mapping":null,"status":"error","reason":"mapping worker stopped"}')
    await small.close()
  })
})
