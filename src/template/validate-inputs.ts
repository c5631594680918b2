import { ConfigError } from '../errors'
import { InputValue } from './function-config'
import { InputSchemaItem } from './schema'

const MAX_STRING_LENGTH = 100_000

/**
 * Checks configured input values against an inputs_schema the way PostHog's serializer does
 * (required, type, choices) plus this destination's own rules (patterns). Returns each input's value,
 * falling back to the schema default. Unknown keys are an error: a typo would otherwise be ignored.
 */
export function validateInputs(
  schema: InputSchemaItem[],
  inputs: Record<string, InputValue> | undefined,
  field: string,
): Record<string, unknown> {
  const given = inputs ?? {}
  for (const key of Object.keys(given)) {
    // The name is not repeated, not even in the field: a token pasted as a key must not end up in a log.
    if (!schema.some((item) => item.key === key)) {
      throw new ConfigError(field, `an input name is not known; known inputs: ${schema.map((i) => i.key).join(', ')}`)
    }
  }
  const values: Record<string, unknown> = {}
  for (const item of schema) {
    const entry = Object.hasOwn(given, item.key) ? given[item.key] : undefined
    if (entry && entry.secret === true && entry.value === undefined) {
      throw new ConfigError(`${field}.${item.key}`, 'the stored secret is not available here; give its value')
    }
    const value = entry && entry.value !== undefined ? entry.value : item.default
    const checked = checkValue(item, value, `${field}.${item.key}`)
    if (checked !== undefined) values[item.key] = checked
  }
  return values
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === ''
}

function checkValue(item: InputSchemaItem, value: unknown, field: string): unknown {
  if (isEmpty(value)) {
    if (item.required) throw new ConfigError(field, 'This field is required.')
    return undefined
  }
  switch (item.type) {
    case 'string':
      return checkString(item, value, field)
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, 'Value must be a number.')
      return value
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (item.templating && typeof value === 'string' && value.includes('{')) return value
      throw new ConfigError(field, `Value must be a boolean (true or false)${item.templating ? ' or a template' : ''}.`)
    case 'choice':
      return checkChoice(item, value, field)
    case 'dictionary':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ConfigError(field, 'Value must be a dictionary (a JSON object).')
      }
      return value
    case 'json':
      return value
  }
}

function checkString(item: InputSchemaItem, value: unknown, field: string): string {
  if (typeof value !== 'string') {
    const hint = typeof value === 'number' ? ' (quote numbers: JSON numbers lose digits past 15)' : ''
    throw new ConfigError(field, `Value must be a string${hint}.`)
  }
  if (value.length > (item.max_length ?? MAX_STRING_LENGTH)) {
    throw new ConfigError(field, `Value is longer than ${item.max_length ?? MAX_STRING_LENGTH} characters.`)
  }
  if (item.pattern && !new RegExp(item.pattern).test(value)) {
    // The value is not repeated: a token pasted into the wrong field must not end up in a log.
    throw new ConfigError(field, `Value does not match ${item.pattern}. ${item.description ?? ''}`.trim())
  }
  return value
}

function checkChoice(item: InputSchemaItem, value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ConfigError(field, 'Value must be a string.')
  const choices = item.choices ?? []
  if (choices.some((c) => c.value === value)) return value
  if (item.templating && value.includes('{')) return value
  if (item.allow_custom_choice && item.pattern && new RegExp(item.pattern).test(value)) return value
  const allowed = choices.map((c) => c.value).join(', ')
  const custom = item.allow_custom_choice ? ` or a custom name matching ${item.pattern}` : ''
  throw new ConfigError(field, `Value is not one of the choices; use one of ${allowed}${custom}.`)
}
