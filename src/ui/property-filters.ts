/**
 * Property filters (`filters.properties`) as the form edits them: the function-wide ones of a destination, and
 * each mapping's own. One row per filter, with PostHog's operator labels. The rest of the `filters` (events,
 * test accounts) is kept as loaded and saved back untouched. A `scope` prefixes the ids of a set's parts:
 * `filters` for the function's (the `attr` the server names them by), `mapping-<key>-filters` for a mapping's.
 */

export type FilterType = 'event' | 'person'

export const OPERATORS = [
  { value: 'exact', label: 'equals' },
  { value: 'is_not', label: "doesn't equal" },
  { value: 'icontains', label: 'contains' },
  { value: 'not_icontains', label: "doesn't contain" },
  { value: 'regex', label: 'matches regex' },
  { value: 'not_regex', label: "doesn't match regex" },
  { value: 'gt', label: 'greater than' },
  { value: 'gte', label: 'greater than or equal to' },
  { value: 'lt', label: 'less than' },
  { value: 'lte', label: 'less than or equal to' },
  { value: 'is_set', label: 'is set' },
  { value: 'is_not_set', label: 'is not set' },
] as const

export type Operator = (typeof OPERATORS)[number]['value']

export const FILTER_TYPES: { value: FilterType; label: string }[] = [
  { value: 'event', label: 'Event property' },
  { value: 'person', label: 'Person property' },
]

export interface FilterRow {
  type: FilterType
  key: string
  operator: Operator
  /** The value as typed; unused by `is_set` and `is_not_set`. */
  value: string
  /** The filter as the server holds it, saved back as it was while the row is unchanged (a list value, say). */
  loaded?: { row: Omit<FilterRow, 'loaded'>; raw: Record<string, unknown> }
}

export interface FiltersValue {
  /** The function's `filters` without `properties`, or null when it had none. */
  rest: Record<string, unknown> | null
  rows: FilterRow[]
  /** Whether the function had `filters.properties` at all (an empty list is then saved as such). */
  hadProperties: boolean
}

const OPERATOR_VALUES: readonly string[] = OPERATORS.map((o) => o.value)
const NUMERIC: readonly string[] = ['gt', 'gte', 'lt', 'lte']

export const needsValue = (operator: Operator) => operator !== 'is_set' && operator !== 'is_not_set'

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const valueText = (value: unknown): string => {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return value.map(valueText).join(', ')
  return String(value)
}

function rowOf(raw: Record<string, unknown>): FilterRow {
  const row = {
    type: raw.type === 'person' ? ('person' as const) : ('event' as const),
    key: typeof raw.key === 'string' ? raw.key : '',
    operator: (OPERATOR_VALUES.includes(raw.operator as string) ? raw.operator : 'exact') as Operator,
    value: valueText(raw.value),
  }
  return { ...row, loaded: { row, raw } }
}

/** The form's value for a function's `filters` (as the REST API returns it, or absent). */
export function filtersValue(filters: unknown): FiltersValue {
  if (!isRecord(filters)) return { rest: null, rows: [], hadProperties: false }
  const { properties, ...rest } = filters
  const rows = Array.isArray(properties) ? properties.filter(isRecord).map(rowOf) : []
  return { rest, rows, hadProperties: Array.isArray(properties) }
}

export const newRow = (): FilterRow => ({ type: 'event', key: '', operator: 'exact', value: '' })

const unchanged = (row: FilterRow) => row.loaded !== undefined && (['type', 'key', 'operator', 'value'] as const).every((k) => row[k] === row.loaded?.row[k])

function filterOf(row: FilterRow): Record<string, unknown> {
  if (unchanged(row) && row.loaded) return row.loaded.raw
  const filter: Record<string, unknown> = { key: row.key.trim(), operator: row.operator, type: row.type }
  if (!needsValue(row.operator)) return filter
  const text = row.value.trim()
  filter.value = NUMERIC.includes(row.operator) && text !== '' && Number.isFinite(Number(text)) ? Number(text) : row.value
  return filter
}

/** The `filters` to save, or undefined when there is nothing to say (no filters before, none now). */
export function filtersPayload(value: FiltersValue): Record<string, unknown> | undefined {
  if (value.rows.length === 0 && !value.hadProperties) return undefined
  return { ...(value.rest ?? {}), properties: value.rows.map(filterOf) }
}

/** The function's filters: their parts' ids are the `attr`s the server names them by. */
export const FUNCTION_FILTERS = 'filters'

/** The id of a row's part (`filters__properties__0__value` in the function's scope). */
export const filterPartId = (index: number, part: 'type' | 'key' | 'operator' | 'value', scope = FUNCTION_FILTERS) => `${scope}__properties__${index}__${part}`

/** The problems found before saving, by part id. */
export function filterProblems(rows: FilterRow[], scope = FUNCTION_FILTERS): Record<string, string> {
  const problems: Record<string, string> = {}
  rows.forEach((row, i) => {
    if (row.key.trim() === '') problems[filterPartId(i, 'key', scope)] = 'Choose the property to compare.'
    if (!needsValue(row.operator)) return
    const text = row.value.trim()
    if (text === '') problems[filterPartId(i, 'value', scope)] = 'Give a value to compare with.'
    else if (NUMERIC.includes(row.operator) && !Number.isFinite(Number(text))) problems[filterPartId(i, 'value', scope)] = 'This operator compares numbers: give a number.'
  })
  return problems
}

/**
 * The part an `attr` of a server error names (`filters__properties__0__value`, or deeper, as
 * `filters__properties__0__value__1`; a mapping's without its `mappings__<i>__`), a filter named whole landing
 * on its key; null for other attrs.
 */
export function filterPartForAttr(attr: string, scope = FUNCTION_FILTERS): string | null {
  const match = /^filters__properties__(\d+)(?:__(type|key|operator|value)(?:__.*)?)?$/.exec(attr)
  if (!match) return null
  const part = (match[2] ?? 'key') as 'type' | 'key' | 'operator' | 'value'
  return filterPartId(Number(match[1]), part, scope)
}
