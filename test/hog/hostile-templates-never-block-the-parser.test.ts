import fs from 'node:fs'
import path from 'node:path'
import { ConfigError } from '../../src/errors'
import { isParseFailure, loadHogParser, parseTemplateString, parserIsolation } from '../../src/hog/parser'
import { compileTemplate } from '../../src/hog/template'
import { templateOutOfBounds, TEMPLATE_BOUNDS } from '../../src/hog/template-bounds'
import { PARSED_TEMPLATES_PATH } from '../../src/template/load'

const ROOT = path.resolve(__dirname, '../..')

// The templates that trapped or stalled the WebAssembly parser before it was bounded and isolated.
const HOSTILE: [string, string, string][] = [
  ['200 nested brackets', '{' + '['.repeat(200) + ']'.repeat(200) + '}', `expression nested deeper than ${TEMPLATE_BOUNDS.nesting} levels`],
  ['200 nested ternaries', '{' + 'a ? b : '.repeat(200) + 'c}', `expression nested deeper than ${TEMPLATE_BOUNDS.nesting} levels`],
  ['a ?? chain of 200', '{' + 'a ?? '.repeat(200) + 'b}', `expression nested deeper than ${TEMPLATE_BOUNDS.nesting} levels`],
  ['lower( 100 times', '{' + 'lower('.repeat(100) + 'x' + ')'.repeat(100) + '}', 'too many nested function calls'],
  ['not 200 times', '{' + 'not '.repeat(200) + 'x}', `expression nested deeper than ${TEMPLATE_BOUNDS.nesting} levels`],
  ['five nested calls', '{lower(lower(lower(lower(lower(event.properties.email)))))}', 'too many nested function calls'],
  ['a long property chain', '{event' + '.properties'.repeat(20) + '}', `a property chain longer than ${TEMPLATE_BOUNDS.chain} segments`],
  ['a long expression', '{concat(' + 'event.properties.value, '.repeat(20) + 'x)}', `expressions longer than ${TEMPLATE_BOUNDS.expressionChars} characters`],
  ['depth hidden behind a quoted brace', "{concat('}', " + 'lower('.repeat(6) + 'x' + ')'.repeat(6) + ')}', 'too many nested function calls'],
  ['depth hidden behind a mismatched bracket', '{ ] ' + '['.repeat(200) + '}', 'unbalanced brackets'],
  ['an f-string inside a hole', "{f'{')))'}' ?? x}", 'f-strings are not supported inside a template'],
  ['a long template with a hole', '{event.uuid}' + 'x'.repeat(TEMPLATE_BOUNDS.length), `template longer than ${TEMPLATE_BOUNDS.length} characters`],
]

function templateStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) value.forEach((item) => templateStrings(item, out))
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => templateStrings(item, out))
  return out
}

function packageTemplates(): string[] {
  return ['mappings', 'templates'].flatMap((dir) =>
    fs
      .readdirSync(path.join(ROOT, dir))
      // The parser's recorded answers are JSON text, not templates.
      .filter((name) => name.endsWith('.json') && `${dir}/${name}` !== PARSED_TEMPLATES_PATH)
      .flatMap((name) => templateStrings(JSON.parse(fs.readFileSync(path.join(ROOT, dir, name), 'utf8'))))
      .filter((text) => text.includes('{')),
  )
}

describe('hostile templates are refused before they reach the parser', () => {
  beforeAll(() => loadHogParser({ isolation: 'worker' }))

  it.each(HOSTILE)('%s is out of bounds', (_name, template, reason) => {
    expect(templateOutOfBounds(template)).toContain(reason)
  })

  it.each(HOSTILE)('%s is a configuration error naming the field', (_name, template, reason) => {
    let error: unknown
    try {
      compileTemplate({ nested: template }, 'mappings[3].inputs.custom_data')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).field).toBe('mappings[3].inputs.custom_data.nested')
    expect((error as ConfigError).detail).toContain(reason)
  })

  it('accepts every template of the prebuilt mappings and the template', () => {
    const templates = packageTemplates()
    expect(templates.length).toBeGreaterThan(40)
    expect(templates.filter((text) => templateOutOfBounds(text) !== undefined)).toEqual([])
  })

  it('accepts templates as deep as real ones get', () => {
    for (const template of [
      '{sha256Hex(lower(trim(toString(person.properties.email))))}',
      "{arrayMap(x -> {'id': x.id, 'quantity': x.quantity}, event.properties.products ?? [])}",
      '{arrayMap(x -> arrayMap(y -> y, range(1000)), range(100000))}',
      "{if(not empty(event.properties.a), lower(concat(event.properties.b, ' ', toString(event.properties.c ?? 0))), null)}",
      '{event.properties.value ?? event.properties.revenue ?? event.properties.total ?? event.properties.price ?? 0}',
      "{concat('(', event.properties.a, ') [', event.properties.b, '}')}",
    ]) {
      expect(templateOutOfBounds(template)).toBeUndefined()
      // A generous time limit: this checks the bounds, and the machine may be busy.
      expect(() => compileTemplate(template, 'input', { parseTimeoutMs: 10_000 })).not.toThrow()
    }
  })
})

describe('the parser runs on a worker thread that a runaway parse cannot block', () => {
  beforeAll(() => loadHogParser({ isolation: 'worker' }))

  it('parses on a worker thread', () => {
    expect(parserIsolation()).toBe('worker')
    expect(parseTemplateString('{event.uuid}')).toMatchObject({ node: 'Field', chain: ['event', 'uuid'] })
  })

  it('gives up on a parse over the time limit and answers the next one', () => {
    // Unbounded here on purpose: takes seconds, far beyond the 200 ms limit.
    const slow = parseTemplateString('{' + 'lower('.repeat(40) + 'x' + ')'.repeat(40) + '}', { timeoutMs: 200 })
    expect(slow).toEqual({ failure: 'the template took longer than 200 ms to parse' })
    // Texts after a failure are new to the parser's answer cache, so the replaced parser answers them.
    expect(parseTemplateString('{event.properties.after_timeout}')).toMatchObject({ node: 'Field', chain: ['event', 'properties', 'after_timeout'] })
  })

  it('replaces the parser after a trap and answers the next one', () => {
    const trapped = parseTemplateString('{' + '['.repeat(300) + ']'.repeat(300) + '}')
    expect(isParseFailure(trapped)).toBe(true)
    expect(trapped).toEqual({ failure: 'the template parser failed on this template (it was restarted)' })
    expect(parseTemplateString('{person.properties.after_trap}')).toMatchObject({ node: 'Field', chain: ['person', 'properties', 'after_trap'] })
  })
})

describe('without worker threads the parser runs in-process', () => {
  beforeAll(() => loadHogParser({ isolation: 'in-process' }))
  afterAll(() => loadHogParser({ isolation: 'worker' }))

  it('recreates the module after a trap', async () => {
    expect(parserIsolation()).toBe('in-process')
    const trapped = parseTemplateString('{' + '['.repeat(300) + ']'.repeat(300) + '}')
    expect(trapped).toEqual({ failure: 'the template parser failed on this template (it was restarted)' })
    await loadHogParser()
    expect(parseTemplateString('{event.properties.in_process}')).toMatchObject({ node: 'Field', chain: ['event', 'properties', 'in_process'] })
  })
})
