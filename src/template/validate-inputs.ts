import { type ConfigProblem, throwProblems } from '../errors'
import { DICTIONARY_INPUT_KEYS } from '../pinterest/input-keys'
import type { InputValue } from './function-config-schema'
import type { InputSchemaItem } from './schema'
import { closestName } from './suggest'

const MAX_STRING_LENGTH = 100_000

/**
 * Checks configured input values against an inputs_schema the way PostHog's serializer does
 * (required, type, choices) plus this destination's own rules (patterns, the keys of dictionary inputs).
 * Returns each input's value, falling back to the schema default, and every problem found. Unknown keys
 * are problems: a typo would otherwise be ignored.
 */
export function checkInputs(schema: InputSchemaItem[], inputs: Record<string, InputValue> | undefined, field: string): { values: Record<string, unknown>; problems: ConfigProblem[] } {
  const given = inputs ?? {}
  const problems: ConfigProblem[] = unknownKeyProblems(
    Object.keys(given),
    schema.map((i) => i.key),
    field,
    INPUT_NAMES,
  )
  const values: Record<string, unknown> = {}
  for (const item of schema) {
    const entry = Object.hasOwn(given, item.key) ? given[item.key] : undefined
    const where = `${field}.${item.key}`
    if (entry && entry.secret === true && entry.value === undefined) {
      problems.push({ field: where, detail: 'the stored secret is not available here; give its value' })
      continue
    }
    const value = entry && entry.value !== undefined ? entry.value : item.default
    const checked = checkValue(item, value)
    if ('problem' in checked) {
      problems.push({ field: where, detail: checked.problem })
      continue
    }
    if (checked.value !== undefined) values[item.key] = checked.value
    const knownKeys = item.type === 'dictionary' ? DICTIONARY_INPUT_KEYS[item.key] : undefined
    if (knownKeys && isDictionary(checked.value)) problems.push(...unknownKeyProblems(Object.keys(checked.value), knownKeys, where, DICTIONARY_KEYS))
  }
  return { values, problems }
}

/** checkInputs, throwing one ConfigError that lists every problem. */
export function validateInputs(schema: InputSchemaItem[], inputs: Record<string, InputValue> | undefined, field: string): Record<string, unknown> {
  const { values, problems } = checkInputs(schema, inputs, field)
  throwProblems(problems)
  return values
}

const MAX_SUGGESTIONS = 10
const INPUT_NAMES = { one: 'an input name', all: 'known inputs' }
const DICTIONARY_KEYS = { one: 'a key', all: 'known keys' }

/**
 * One problem per unknown key. A key close to a known one is a typo: it is named, with the suggestion.
 * Any other is not repeated, not even in the field: a token pasted as a key must not end up in a log.
 */
function unknownKeyProblems(keys: string[], known: readonly string[], field: string, what: typeof INPUT_NAMES): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  let unnamed = false
  for (const key of keys) {
    if (known.includes(key)) continue
    // Suggestions cost an edit distance per known key: an object of thousands of junk keys gets a few.
    const suggestion = problems.length < MAX_SUGGESTIONS ? closestName(key, known) : undefined
    if (suggestion) problems.push({ field: `${field}.${key}`, detail: `${what.one} is not known; did you mean ${suggestion}?` })
    else unnamed = true
  }
  // Unnamed keys share one problem: they could not be told apart anyway.
  if (unnamed) problems.push({ field, detail: `${what.one} is not known; ${what.all}: ${known.join(', ')}` })
  return problems
}

type Checked = { value: unknown } | { problem: string }
const ok = (value: unknown): Checked => ({ value })
const problem = (detail: string): Checked => ({ problem: detail })

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkValue(item: InputSchemaItem, value: unknown): Checked {
  if (isEmpty(value)) return item.required ? problem('This field is required.') : ok(undefined)
  switch (item.type) {
    case 'string':
      return checkString(item, value)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? ok(value) : problem('Value must be a number.')
    case 'boolean':
      if (typeof value === 'boolean') return ok(value)
      if (item.templating && typeof value === 'string' && value.includes('{')) return ok(value)
      return problem(`Value must be a boolean (true or false)${item.templating ? ' or a template' : ''}.`)
    case 'choice':
      return checkChoice(item, value)
    case 'dictionary':
      return isDictionary(value) ? ok(value) : problem('Value must be a dictionary (a JSON object).')
    case 'json':
      return ok(value)
  }
}

function checkString(item: InputSchemaItem, value: unknown): Checked {
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' ? ' (quote numbers: JSON numbers lose digits past 15)' : ''
    return problem(`Value must be a string${hint}.`)
  }
  if (value.length > (item.max_length ?? MAX_STRING_LENGTH)) return problem(`Value is longer than ${item.max_length ?? MAX_STRING_LENGTH} characters.`)
  // The value is not repeated: a token pasted into the wrong field must not end up in a log.
  if (item.pattern && !new RegExp(item.pattern).test(value)) return problem(`Value does not match ${item.pattern}. ${item.description ?? ''}`.trim())
  return ok(value)
}

function checkChoice(item: InputSchemaItem, value: unknown): Checked {
  if (typeof value !== 'string') return problem('Value must be a string.')
  const choices = item.choices ?? []
  if (choices.some((c) => c.value === value)) return ok(value)
  if (item.templating && value.includes('{')) return ok(value)
  if (item.allow_custom_choice && item.pattern && new RegExp(item.pattern).test(value)) return ok(value)
  const allowed = choices.map((c) => c.value).join(', ')
  const custom = item.allow_custom_choice ? ` or a custom name matching ${item.pattern}` : ''
  return problem(`Value is not one of the choices; use one of ${allowed}${custom}.`)
}
