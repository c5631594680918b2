import { type FiltersValue, filterPartForAttr, filterProblems, filtersPayload, filtersValue } from './property-filters'

/** One entry of a template's `inputs_schema`, as the API answers it. */
export interface SchemaItem {
  key: string
  type: string
  label?: string
  description?: string
  required?: boolean
  secret?: boolean
  default?: unknown
  choices?: { value: string; label: string }[]
  pattern?: string
}

export type FieldKind = 'string' | 'secret' | 'boolean' | 'choice' | 'dictionary' | 'json'

/** A form field: its id is the `attr` the server names it by in errors (`inputs__ad_account_id`). */
export interface Field {
  id: string
  key: string
  kind: FieldKind
  label: string
  description: string
  required: boolean
  pattern?: string
  choices: { value: string; label: string }[]
  default: unknown
}

/** A secret is either kept as the server holds it ("set", never read back) or typed anew. */
export type SecretValue = { set: true } | { set: false; value: string }
export type FieldValue = string | boolean | SecretValue | [string, string][]

export interface FormValues {
  name: string
  description: string
  enabled: boolean
  inputs: Record<string, FieldValue>
  /** The function-wide property filters (absent: the form leaves `filters` alone). */
  filters?: FiltersValue
}

const KINDS: Record<string, FieldKind> = { string: 'string', boolean: 'boolean', choice: 'choice', dictionary: 'dictionary', json: 'json' }

export const inputId = (key: string) => `inputs__${key}`

export function fieldsOf(schema: SchemaItem[]): Field[] {
  return schema.map((item) => ({
    id: inputId(item.key),
    key: item.key,
    kind: item.secret ? 'secret' : (KINDS[item.type] ?? 'json'),
    label: item.label ?? item.key,
    description: item.description ?? '',
    required: item.required === true,
    pattern: item.pattern,
    choices: item.choices ?? [],
    default: item.default,
  }))
}

/** What a function (or a template, for a new one) holds, as the REST API answers it. */
export interface FunctionSource {
  name: string
  description?: string
  enabled: boolean
  inputs?: Record<string, { value?: unknown; secret?: boolean } | null>
  filters?: unknown
}

const asText = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value))

function fieldValue(field: Field, entry: { value?: unknown; secret?: boolean } | null | undefined, isNew: boolean): FieldValue {
  const value = entry ? entry.value : isNew ? field.default : undefined
  switch (field.kind) {
    case 'secret':
      return entry?.secret === true ? { set: true } : { set: false, value: asText(value) }
    case 'boolean':
      return value === true
    case 'dictionary':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value).map(([k, v]) => [k, asText(v)]) : []
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2)
    default:
      return asText(value)
  }
}

/** The form's values for a function as the API returns it (`isNew`: a template's defaults fill what is absent). */
export function initialValues(fields: Field[], source: FunctionSource, isNew: boolean): FormValues {
  const inputs: Record<string, FieldValue> = {}
  for (const field of fields) inputs[field.key] = fieldValue(field, source.inputs?.[field.key], isNew)
  return { name: source.name, description: source.description ?? '', enabled: source.enabled, inputs, filters: filtersValue(source.filters) }
}

/** `^\d{1,18}$` reads as "Digits only, at most 18."; other patterns get a general message. */
export function patternMessage(pattern: string): string {
  const digits = /^\^\\d\{1,(\d+)\}\$$/.exec(pattern)
  return digits ? `Digits only, at most ${digits[1]}.` : 'This value does not have the expected format.'
}

const REQUIRED = 'This field is required.'

function fieldProblem(field: Field, value: FieldValue): string | undefined {
  if (field.kind === 'secret') {
    const secret = value as SecretValue
    return field.required && !secret.set && secret.value === '' ? REQUIRED : undefined
  }
  if (field.kind === 'string' || field.kind === 'choice') {
    const text = (value as string).trim()
    if (text === '') return field.required ? REQUIRED : undefined
    if (field.pattern && !new RegExp(field.pattern).test(text)) return patternMessage(field.pattern)
  }
  if (field.kind === 'json' && (value as string).trim() !== '') {
    try {
      JSON.parse(value as string)
    } catch {
      return 'This is not valid JSON.'
    }
  }
  if (field.kind === 'dictionary') {
    const keys = (value as [string, string][]).map(([k]) => k.trim())
    if (keys.some((k) => k === '')) return 'Every entry needs a key.'
    if (new Set(keys).size !== keys.length) return 'Each key may appear only once.'
  }
  return undefined
}

/** The problems found before saving, by field id (`name`, `inputs__<key>`). */
export function validate(fields: Field[], values: FormValues): Record<string, string> {
  const problems: Record<string, string> = {}
  if (values.name.trim() === '') problems.name = REQUIRED
  for (const field of fields) {
    const problem = fieldProblem(field, values.inputs[field.key])
    if (problem) problems[field.id] = problem
  }
  if (values.filters) Object.assign(problems, filterProblems(values.filters.rows))
  return problems
}

type InputEntry = { value: unknown } | { secret: true }

function entryOf(field: Field, value: FieldValue): InputEntry | undefined {
  switch (field.kind) {
    case 'secret': {
      const secret = value as SecretValue
      if (secret.set) return { secret: true }
      return secret.value === '' ? undefined : { value: secret.value }
    }
    case 'boolean':
      return { value: value === true }
    case 'dictionary':
      return { value: Object.fromEntries((value as [string, string][]).map(([k, v]) => [k.trim(), v])) }
    case 'json':
      return (value as string).trim() === '' ? undefined : { value: JSON.parse(value as string) }
    default:
      return (value as string).trim() === '' ? undefined : { value: (value as string).trim() }
  }
}

/** The body to POST (new) or PATCH: the fields the form edits, in the REST API's shape. */
export function toPayload(fields: Field[], values: FormValues): { name: string; description: string; enabled: boolean; inputs: Record<string, InputEntry>; filters?: Record<string, unknown> } {
  const inputs: Record<string, InputEntry> = {}
  for (const field of fields) {
    const entry = entryOf(field, values.inputs[field.key])
    if (entry) inputs[field.key] = entry
  }
  const filters = values.filters && filtersPayload(values.filters)
  return { name: values.name.trim(), description: values.description.trim(), enabled: values.enabled, inputs, ...(filters ? { filters } : {}) }
}

const canonical = (fields: Field[], values: FormValues) => {
  try {
    return JSON.stringify(toPayload(fields, values))
  } catch {
    // Unparseable JSON text differs from anything saved.
    return `invalid ${JSON.stringify(values)}`
  }
}

/** Whether saving `values` would change what `saved` holds. */
export function isDirty(fields: Field[], saved: FormValues, values: FormValues): boolean {
  return canonical(fields, saved) !== canonical(fields, values)
}

export interface SaveButton {
  label: string
  disabled: boolean
}

export function saveButton(isNew: boolean, enabled: boolean, dirty: boolean, saving: boolean): SaveButton {
  if (saving) return { label: isNew ? 'Creating…' : 'Saving…', disabled: true }
  if (isNew) return { label: enabled ? 'Create & enable' : 'Create', disabled: false }
  return dirty ? { label: 'Save changes', disabled: false } : { label: 'No changes', disabled: true }
}

const FORM_FIELDS = ['name', 'description', 'enabled']

/**
 * The field an `attr` of a server error names (`inputs__ad_account_id`, or deeper such as
 * `inputs__user_data__email`), or null when it names none of the form's fields.
 */
export function fieldForAttr(fields: Field[], attr: string | null): string | null {
  if (!attr) return null
  if (FORM_FIELDS.includes(attr)) return attr
  if (attr.startsWith('filters__')) return filterPartForAttr(attr)
  const field = fields.find((f) => attr === f.id || attr.startsWith(`${f.id}__`))
  return field ? field.id : null
}

/**
 * Server problems spread over the form: by field id, and the rest as form-level messages. `locate` finds the
 * fields of other parts of the destination (its mappings) that the form's own fields do not hold.
 */
export function placeProblems(
  fields: Field[],
  problems: { attr: string | null; detail: string }[],
  locate: (attr: string) => string | null = () => null,
): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {}
  const general: string[] = []
  for (const problem of problems) {
    const id = fieldForAttr(fields, problem.attr) ?? (problem.attr ? locate(problem.attr) : null)
    if (id && !byField[id]) byField[id] = problem.detail
    else if (!id) general.push(problem.attr ? `${problem.attr}: ${problem.detail}` : problem.detail)
  }
  return { byField, general }
}
