import path from 'node:path'
import { loadHogParser, parseTemplateString, parseTemplatesAhead, parserIsolation } from '../../src/hog/parser'

// Its first parse takes 1.2 s, later ones no time; "runaway" never ends, "trap" traps.
const COLD_START_PARSER = path.join(__dirname, '..', 'fixtures', 'hog', 'cold-start-parser.js')
// Under the stand-in's cold start, far over what a warm answer takes even on a busy machine.
const LIMIT_MS = 800

beforeAll(() => loadHogParser({ isolation: 'worker', parserModule: COLD_START_PARSER }))
// Later test files in this process get the real parser.
afterAll(() => loadHogParser({ isolation: 'worker' }))

describe('a parser thread replaced after a failure', () => {
  it('takes no template before it is warm, so one slow parse does not make the next ones fail', () => {
    expect(parserIsolation()).toBe('worker')
    expect(parseTemplateString('{event.first}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.first}'] })
    expect(parseTemplateString('{runaway}', { timeoutMs: 300 })).toEqual({ failure: 'the template took longer than 300 ms to parse' })
    // On a replacement that has not parsed before, this would pay the cold start within its own limit, time out, and be replaced again.
    expect(parseTemplateString('{event.second}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.second}'] })
    expect(parseTemplateString('{event.third}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.third}'] })
  })

  it('is warm after a trap too', () => {
    expect(parseTemplateString('{trap}', { timeoutMs: LIMIT_MS })).toEqual({ failure: 'the template parser failed on this template (it was restarted)' })
    expect(parseTemplateString('{event.fourth}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.fourth}'] })
    expect(parseTemplateString('{event.fifth}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.fifth}'] })
  })

  it('parses a template that trapped only because an earlier one broke the module, on the fresh thread', () => {
    expect(parseTemplateString('{poison}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{poison}'] })
    expect(parseTemplateString('{event.innocent}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.innocent}'] })
    // A template that traps on its own still fails, once retried.
    expect(parseTemplateString('{trap again}', { timeoutMs: LIMIT_MS })).toEqual({ failure: 'the template parser failed on this template (it was restarted)' })
    expect(parseTemplateString('{event.after}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.after}'] })
  })

  it('does the same when templates are parsed ahead, off the calling thread', async () => {
    await expect(
      parseTemplatesAhead([
        { field: 'a', text: '{poison ahead}' },
        { field: 'b', text: '{event.innocent_ahead}' },
      ]),
    ).resolves.toBeUndefined()
    expect(parseTemplateString('{event.innocent_ahead}', { timeoutMs: LIMIT_MS })).toEqual({ node: 'Field', chain: ['{event.innocent_ahead}'] })
    await expect(parseTemplatesAhead([{ field: 'c', text: '{trap ahead}' }])).resolves.toEqual({
      field: 'c',
      text: '{trap ahead}',
      failure: 'the template parser failed on this template (it was restarted)',
    })
  })
})
