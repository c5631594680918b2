import type { SchemaItem } from './form-model'
import { type FiltersValue, filterPartForAttr, filterProblems, filtersPayload, filtersValue } from './property-filters'

/** A mapping as the REST API answers it and takes it back (PostHog's `HogFunctionMappingType`). */
export interface ApiMapping {
  name?: string
  disabled?: boolean
  filters?: Record<string, unknown> | null
  inputs?: Record<string, { value?: unknown } | null>
  inputs_schema?: Partial<SchemaItem>[]
}

/** One of the template's `mapping_templates`: a prebuilt mapping, or the blank one (no filters) for custom events. */
export interface MappingTemplate {
  name: string
  include_by_default?: boolean
  filters?: Record<string, unknown> | null
  inputs_schema: (SchemaItem & { allow_custom_choice?: boolean })[]
}

/** A dictionary input is edited as key/template pairs; every other input as one text. */
export type MappingValue = string | [string, string][]

/** The page's copy of one mapping while it is edited. `key` is the page's own handle, never saved. */
export interface MappingDraft {
  key: string
  name: string
  disabled: boolean
  /** The trigger: `filters.events` by name; none is every event. */
  events: string[]
  /** The entries of `filters.events` as the server gave them (with their own property filters), by name. */
  eventEntries: Record<string, Record<string, unknown>>
  /** The mapping's own property filters, and the rest of its `filters` beside the events, kept as the server gave it. */
  filters: FiltersValue
  /** Only the inputs the mapping holds; an absent one runs with its schema default. */
  inputs: Record<string, MappingValue>
  schemaOverrides?: Partial<SchemaItem>[]
}

export type MappingInputKind = 'choice' | 'dictionary' | 'template'

export interface MappingInput {
  key: string
  kind: MappingInputKind
  type: string
  label: string
  description: string
  required: boolean
  default: unknown
  choices: { value: string; label: string }[]
  /** A choice that also takes a name of its own (Pinterest's custom event names), matching `pattern`. */
  allowCustom: boolean
  pattern?: string
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const asText = (value: unknown): string => (value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value))

// An entry of `filters.events` with a null id stands for every event, as no entry does.
function eventEntriesOf(filters: unknown): [string, Record<string, unknown>][] {
  if (!isRecord(filters) || !Array.isArray(filters.events)) return []
  return filters.events
    .filter(isRecord)
    .map((e): [string, Record<string, unknown>] => [asText(e.id ?? e.name), e])
    .filter(([name]) => name !== '')
}

const eventNames = (filters: unknown): string[] => eventEntriesOf(filters).map(([name]) => name)

function filtersBesideEvents(filters: unknown): Record<string, unknown> {
  if (!isRecord(filters)) return {}
  const { events: _, ...rest } = filters
  return rest
}

function draftValue(kind: MappingInputKind, value: unknown): MappingValue {
  if (kind !== 'dictionary') return asText(value)
  return isRecord(value) ? Object.entries(value).map(([k, v]) => [k, asText(v)]) : []
}

/** The base schema a mapping runs with: the prebuilt mapping of its name, else the blank one; its own items laid over. */
export function schemaOf(draft: Pick<MappingDraft, 'name' | 'schemaOverrides'>, templates: MappingTemplate[]): MappingInput[] {
  const base = templates.find((t) => t.name === draft.name) ?? blankTemplate(templates)
  const overrides = new Map((draft.schemaOverrides ?? []).map((o) => [o.key, o]))
  return (base?.inputs_schema ?? []).map((item) => inputOf({ ...item, ...overrides.get(item.key) }))
}

function inputOf(item: SchemaItem & { allow_custom_choice?: boolean }): MappingInput {
  const kind: MappingInputKind = item.type === 'dictionary' ? 'dictionary' : item.type === 'choice' ? 'choice' : 'template'
  return {
    key: item.key,
    kind,
    type: item.type,
    label: item.label ?? item.key,
    description: item.description ?? '',
    required: item.required === true,
    default: item.default,
    choices: item.choices ?? [],
    allowCustom: item.allow_custom_choice === true,
    pattern: item.pattern,
  }
}

/** The template's mapping for custom events: the one without a trigger of its own. */
export function blankTemplate(templates: MappingTemplate[]): MappingTemplate | undefined {
  return templates.find((t) => eventNames(t.filters).length === 0)
}

const kindOf = (key: string, schema: MappingInput[]): MappingInputKind => schema.find((i) => i.key === key)?.kind ?? 'template'

function draftOf(mapping: ApiMapping, key: string, templates: MappingTemplate[]): MappingDraft {
  const name = mapping.name ?? ''
  // Without filters of its own a mapping runs with its prebuilt mapping's, as the server does.
  const filters = mapping.filters === undefined ? templates.find((t) => t.name === name)?.filters : mapping.filters
  const schema = schemaOf({ name, schemaOverrides: mapping.inputs_schema }, templates)
  const inputs: Record<string, MappingValue> = {}
  for (const [inputKey, entry] of Object.entries(mapping.inputs ?? {})) {
    if (entry && entry.value !== undefined) inputs[inputKey] = draftValue(kindOf(inputKey, schema), entry.value)
  }
  return {
    key,
    name,
    disabled: mapping.disabled === true,
    events: eventNames(filters),
    eventEntries: Object.fromEntries(eventEntriesOf(filters)),
    filters: filtersValue(filtersBesideEvents(filters)),
    inputs,
    ...(mapping.inputs_schema ? { schemaOverrides: mapping.inputs_schema } : {}),
  }
}

/**
 * The drafts of a function's mappings as the API answers them. `keys` are those of the drafts just saved, in
 * the order sent (the order the server keeps): each saved mapping keeps its key, and so stays open if it was.
 */
export function draftsOf(mappings: ApiMapping[] | null | undefined, templates: MappingTemplate[], keys: string[] = []): MappingDraft[] {
  return (mappings ?? []).map((m, i) => draftOf(m, keys[i] ?? `m${i + 1}`, templates))
}

function nextKey(drafts: MappingDraft[]): string {
  const numbers = drafts.map((d) => Number(d.key.slice(1))).filter(Number.isFinite)
  return `m${Math.max(0, ...numbers) + 1}`
}

/**
 * `name`, or `name (2)`, `name (3)`… when a mapping has it already. The suffix keeps the name far enough from
 * the prebuilt one for the server not to take it for a misspelling of it.
 */
function freeName(drafts: MappingDraft[], name: string): string {
  const taken = new Set(drafts.map((d) => d.name))
  if (!taken.has(name)) return name
  let n = 2
  while (taken.has(`${name} (${n})`)) n++
  return `${name} (${n})`
}

const change = (drafts: MappingDraft[], key: string, update: (d: MappingDraft) => MappingDraft) => drafts.map((d) => (d.key === key ? update(d) : d))

export const setDisabled = (drafts: MappingDraft[], key: string, disabled: boolean) => change(drafts, key, (d) => ({ ...d, disabled }))
export const rename = (drafts: MappingDraft[], key: string, name: string) => change(drafts, key, (d) => ({ ...d, name }))
export const setEvents = (drafts: MappingDraft[], key: string, events: string[]) => change(drafts, key, (d) => ({ ...d, events: [...new Set(events)] }))
export const setFilters = (drafts: MappingDraft[], key: string, filters: FiltersValue) => change(drafts, key, (d) => ({ ...d, filters }))
export const setInput = (drafts: MappingDraft[], key: string, inputKey: string, value: MappingValue) => change(drafts, key, (d) => ({ ...d, inputs: { ...d.inputs, [inputKey]: value } }))
export const remove = (drafts: MappingDraft[], key: string) => drafts.filter((d) => d.key !== key)

/** A copy of the mapping, placed right below it, named `<name> (copy)` (numbered when that is taken). */
export function duplicate(drafts: MappingDraft[], key: string): MappingDraft[] {
  const at = drafts.findIndex((d) => d.key === key)
  if (at < 0) return drafts
  const source = drafts[at]
  const copy = { ...structuredClone(source), key: nextKey(drafts), name: freeName(drafts, `${source.name} (copy)`) }
  return [...drafts.slice(0, at + 1), copy, ...drafts.slice(at + 1)]
}

/** What "New mapping" offers: the blank (custom event) mapping always, and each prebuilt one not present. */
export function addOptions(drafts: MappingDraft[], templates: MappingTemplate[]): MappingTemplate[] {
  const present = new Set(drafts.map((d) => d.name))
  const blank = blankTemplate(templates)
  return templates.filter((t) => t === blank || !present.has(t.name))
}

/** The trigger events a mapping template comes with. */
export const templateEvents = (template: MappingTemplate): string[] => eventNames(template.filters)

/**
 * A new mapping from `template` with its defaults (as PostHog seeds them) and, when `trigger` is given, that
 * trigger instead of the template's. Returns the drafts and the new mapping's key.
 */
export function addFromTemplate(drafts: MappingDraft[], template: MappingTemplate, trigger?: string[]): { drafts: MappingDraft[]; key: string } {
  const key = nextKey(drafts)
  const schema = template.inputs_schema.map(inputOf)
  const inputs: Record<string, MappingValue> = {}
  for (const item of schema) if (item.default !== undefined) inputs[item.key] = draftValue(item.kind, item.default)
  const draft: MappingDraft = {
    key,
    name: freeName(drafts, template.name),
    disabled: false,
    events: trigger ?? eventNames(template.filters),
    eventEntries: Object.fromEntries(eventEntriesOf(template.filters)),
    filters: filtersValue(filtersBesideEvents(template.filters)),
    inputs,
  }
  return { drafts: [...drafts, draft], key }
}

function payloadValue(input: MappingInput | undefined, value: MappingValue): unknown {
  if (Array.isArray(value)) return Object.fromEntries(value.map(([k, v]) => [k.trim(), v]))
  if (input?.type === 'boolean' && (value.trim() === 'true' || value.trim() === 'false')) return value.trim() === 'true'
  return value
}

/**
 * One mapping in the REST API's shape. An emptied input with no default is left out, as it was never set.
 * Filters are always sent: without them a mapping named like a prebuilt one would take that one's trigger.
 */
export function toApiMapping(draft: MappingDraft, templates: MappingTemplate[]): ApiMapping {
  const schema = schemaOf(draft, templates)
  const inputs: Record<string, { value: unknown }> = {}
  for (const [key, value] of Object.entries(draft.inputs)) {
    const input = schema.find((i) => i.key === key)
    if (value === '' && input?.default === undefined) continue
    inputs[key] = { value: payloadValue(input, value) }
  }
  const events = draft.events.map((name) => draft.eventEntries[name] ?? { id: name, name, type: 'events' })
  const others = filtersPayload(draft.filters) ?? draft.filters.rest ?? {}
  return {
    name: draft.name.trim(),
    disabled: draft.disabled,
    filters: events.length > 0 ? { ...others, events } : others,
    inputs,
    ...(draft.schemaOverrides ? { inputs_schema: draft.schemaOverrides } : {}),
  }
}

export const toApiMappings = (drafts: MappingDraft[], templates: MappingTemplate[]): ApiMapping[] => drafts.map((d) => toApiMapping(d, templates))

/** Whether saving `drafts` would change the mappings `saved` holds. */
export function mappingsDirty(saved: MappingDraft[], drafts: MappingDraft[], templates: MappingTemplate[]): boolean {
  return JSON.stringify(toApiMappings(saved, templates)) !== JSON.stringify(toApiMappings(drafts, templates))
}

/** The id of a mapping's field on the page; `part` is `name`, `events`, `input-<key>`, `input-<key>-key-<i>`, or none. */
export const mappingFieldId = (draftKey: string, part?: string) => (part ? `mapping-${draftKey}-${part}` : `mapping-${draftKey}`)

export const isMappingField = (id: string) => id.startsWith('mapping-')

/** The scope of a mapping's property filters: their parts' ids start with it (see property-filters.ts). */
export const filtersScope = (draftKey: string) => mappingFieldId(draftKey, 'filters')

/** The draft a mapping field id belongs to. */
export const draftKeyOf = (id: string): string | null => /^mapping-(m\d+)/.exec(id)?.[1] ?? null

/** A text value displayed for an input, whether the mapping holds it or not. */
export function shownValue(draft: MappingDraft, input: MappingInput): MappingValue {
  return draft.inputs[input.key] ?? (input.kind === 'dictionary' ? [] : '')
}

/** A choice's label for its value (`web` → `Web`), or the value itself when it is none of the choices. */
export function choiceLabel(input: MappingInput | undefined, value: string): string {
  return input?.choices.find((c) => c.value === value)?.label ?? value
}

const REQUIRED = 'This field is required.'

function inputProblem(draft: MappingDraft, input: MappingInput): [string, string] | undefined {
  const id = mappingFieldId(draft.key, `input-${input.key}`)
  const value = shownValue(draft, input)
  if (Array.isArray(value)) {
    const keys = value.map(([k]) => k.trim())
    if (keys.some((k) => k === '')) return [id, 'Every entry needs a key.']
    if (new Set(keys).size !== keys.length) return [id, 'Each key may appear only once.']
    return undefined
  }
  const held = Object.hasOwn(draft.inputs, input.key)
  if (input.required && value.trim() === '' && (held || input.default === undefined)) return [id, REQUIRED]
  const custom = input.kind === 'choice' && value !== '' && !value.includes('{') && !input.choices.some((c) => c.value === value)
  if (custom && !(input.allowCustom && input.pattern && new RegExp(input.pattern).test(value))) {
    return [id, input.allowCustom ? `Not a standard name, and a custom name must match ${input.pattern}.` : 'Choose one of the listed values.']
  }
  return undefined
}

/** The problems found before saving, by field id. */
export function mappingProblems(drafts: MappingDraft[], templates: MappingTemplate[]): Record<string, string> {
  const problems: Record<string, string> = {}
  for (const draft of drafts) {
    if (draft.name.trim() === '') problems[mappingFieldId(draft.key, 'name')] = 'A mapping needs a name.'
    for (const input of schemaOf(draft, templates)) {
      const problem = inputProblem(draft, input)
      if (problem) problems[problem[0]] = problem[1]
    }
    Object.assign(problems, filterProblems(draft.filters.rows, filtersScope(draft.key)))
  }
  return problems
}

function inputFieldFor(draft: MappingDraft, path: string[]): string {
  const [inputKey, ...rest] = path
  if (!inputKey) return mappingFieldId(draft.key)
  const value = draft.inputs[inputKey]
  const entry = Array.isArray(value) && rest.length > 0 ? value.findIndex(([k]) => k.trim() === rest.join('__')) : -1
  return mappingFieldId(draft.key, entry >= 0 ? `input-${inputKey}-key-${entry}` : `input-${inputKey}`)
}

/**
 * The mapping field a server error's `attr` names (`mappings__0__name`, `mappings__1__inputs__user_data__emial`),
 * or null when it names no mapping. Indexes count the mappings as they were sent, which is the drafts' order.
 */
export function mappingFieldForAttr(drafts: MappingDraft[], attr: string): string | null {
  const match = /^mappings__(\d+)(?:__(.+))?$/.exec(attr)
  const draft = match ? drafts[Number(match[1])] : undefined
  if (!match || !draft) return null
  const [part, ...path] = (match[2] ?? '').split('__')
  if (part === 'name') return mappingFieldId(draft.key, 'name')
  if (part === 'filters') return filterPartForAttr(['filters', ...path].join('__'), filtersScope(draft.key)) ?? mappingFieldId(draft.key, 'events')
  if (part === 'inputs') return inputFieldFor(draft, path)
  return mappingFieldId(draft.key)
}
