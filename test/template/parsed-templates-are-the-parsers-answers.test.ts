import fs from 'node:fs'
import path from 'node:path'
import { loadHogParser, parseTemplateString, type TemplateText } from '../../src/hog/parser'
import { templatesToParse } from '../../src/hog/template'
import { loadParsedTemplates, loadTemplate, PARSED_TEMPLATES_PATH } from '../../src/template/load'

/**
 * templates/parsed-templates.json records the Hog parser's answer for every template string of the
 * template's and the prebuilt mappings' defaults, so that a function of prebuilt mappings compiles
 * without loading the parser. After changing a default or the parser: UPDATE_PARSED_TEMPLATES=1 npx jest
 * <this file>, and review the diff.
 */
const FILE = path.join(__dirname, '../..', PARSED_TEMPLATES_PATH)
const PARSER_VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../node_modules/@posthog/hogql-parser/package.json'), 'utf8')) as { version: string }).version

function defaultTemplateTexts(): string[] {
  const template = loadTemplate()
  const out: TemplateText[] = []
  template.inputs_schema.forEach((item) => templatesToParse(item.default, `inputs.${item.key}`, out))
  for (const mapping of template.mapping_templates) {
    mapping.inputs_schema.forEach((item) => templatesToParse(item.default, `${mapping.name}.${item.key}`, out))
  }
  return [...new Set(out.map((t) => t.text))].sort()
}

// The raw JSON answer, as the parser thread hands it over (parseTemplateString returns it parsed).
function answerOf(text: string): string {
  const parsed = parseTemplateString(text)
  if (!('node' in parsed)) throw new Error(`a default template does not parse: ${text}: ${JSON.stringify(parsed)}`)
  return JSON.stringify(parsed)
}

beforeAll(() => loadHogParser())

test('the recorded answers are the installed parser answers for exactly the default templates', () => {
  const texts = defaultTemplateTexts()
  expect(texts.length).toBeGreaterThan(30)
  const answers = Object.fromEntries(texts.map((text) => [text, answerOf(text)]))
  if (process.env.UPDATE_PARSED_TEMPLATES) {
    fs.writeFileSync(FILE, `${JSON.stringify({ parser: PARSER_VERSION, answers }, null, 2)}\n`)
  }
  const recorded = loadParsedTemplates()
  expect(recorded.parser).toBe(PARSER_VERSION)
  expect(Object.keys(recorded.answers).sort()).toEqual(texts)
  for (const text of texts) expect([text, JSON.parse(recorded.answers[text])]).toEqual([text, JSON.parse(answers[text])])
})
