import { isParseFailure, loadHogParser, parseTemplatesAhead, parseTemplateString } from '../../src/hog/parser'
import { parseConfigAhead } from '../../src/mapping/compile-function'
import { parseFunctionConfig } from '../../src/template/function-config'

// 40 nested calls: far past the bounds compile applies, so slow enough to overrun a short limit on any machine.
const SLOW = '{' + 'lower('.repeat(40) + 'x' + ')'.repeat(40) + '}'

describe('templates parsed ahead of a compile', () => {
  beforeAll(() => loadHogParser({ isolation: 'worker' }))

  it('keeps every answer, so that the synchronous parse that follows needs no parser at all', async () => {
    const texts = ['{event.properties.ahead_one}', "{lower(event.properties.ahead_two ?? 'x')}", 'order {event.uuid} ahead']
    expect(await parseTemplatesAhead(texts.map((text, i) => ({ field: `inputs.f${i}`, text })))).toBeUndefined()
    // A time limit no real parse meets: only a kept answer can come back.
    for (const text of texts) expect(isParseFailure(parseTemplateString(text, { timeoutMs: 0.001 }))).toBe(false)
    // Not parsed ahead, and slow: a loaded machine that wakes the waiting thread late still finds no answer.
    const notAhead = SLOW.replace('x', 'event.properties.not_ahead')
    expect(parseTemplateString(notAhead, { timeoutMs: 0.001 })).toEqual({ failure: 'the template took longer than 0.001 ms to parse' })
  })

  it('leaves the thread free while it parses, and names the template that ran past the budget', async () => {
    let ticks = 0
    const ticker = setInterval(() => (ticks += 1), 1)
    const started = parseTemplatesAhead([{ field: 'mappings[3].inputs.event_time', text: SLOW }], 20)
    // The synchronous parser would block here until its answer; this call returns at once.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const ticksWhileParsing = ticks
    const failed = await started
    clearInterval(ticker)
    expect(ticksWhileParsing).toBeGreaterThan(0)
    expect(failed).toEqual({ field: 'mappings[3].inputs.event_time', text: SLOW, failure: 'the template took longer than 20 ms to parse' })
    // The parser thread that ran out of time was replaced: the next parse ahead works.
    expect(await parseTemplatesAhead([{ field: 'inputs.x', text: '{event.properties.after_replacement}' }])).toBeUndefined()
  })

  it('walks a configuration’s function inputs, mapping inputs and input defaults, naming each field', async () => {
    const config = parseFunctionConfig({
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'token' } },
      mappings: [
        { name: 'Checkout', inputs: { custom_data: { value: { order_id: '{event.properties.walk_order}' } } } },
        { name: 'Custom', filters: { events: [{ id: null, type: 'events' }] }, inputs_schema: [{ key: 'event_name', default: '{event.properties.walk_default}' }] },
      ],
    })
    await parseConfigAhead(config)
    for (const text of ['{event.properties.walk_order}', '{event.properties.walk_default}']) {
      expect(isParseFailure(parseTemplateString(text, { timeoutMs: 0.001 }))).toBe(false)
    }
  })
})
