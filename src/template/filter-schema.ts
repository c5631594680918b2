/**
 * Zod schemas for PostHog-style destination filters (`HogFunctionFilters`), restricted to the subset
 * this package can evaluate without PostHog's database: event-name entries plus `event` / `person`
 * property filters. Anything else (actions, HogQL, cohorts, ...) is rejected at configuration time
 * rather than silently matching nothing or everything.
 *
 * Unknown keys are stripped (zod's default), not rejected: PostHog's UI stores extra presentation keys
 * (`label`, `custom_name`, `bytecode`, `source`, ...) that have no effect on matching.
 */
import { z } from 'zod'
import { ConfigError, joinFieldPath } from '../errors'

export const PROPERTY_FILTER_TYPES = ['event', 'person'] as const

export const PROPERTY_OPERATORS = ['exact', 'is_not', 'icontains', 'not_icontains', 'regex', 'not_regex', 'gt', 'gte', 'lt', 'lte', 'is_set', 'is_not_set'] as const

/** Operators that compare the property against `value`; the rest only test presence. */
const VALUE_OPERATORS: ReadonlySet<string> = new Set(PROPERTY_OPERATORS.filter((op) => op !== 'is_set' && op !== 'is_not_set'))

const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte'])

const listOf = (items: readonly string[]): string => items.join(', ')

/** Names what is expected, never the rejected input: it may be a token pasted into the wrong field. */
const unsupported = (what: string, input: unknown, allowed: readonly string[]): string =>
  input === undefined ? `${what} is required; supported: ${listOf(allowed)}` : `${what} is not supported; supported: ${listOf(allowed)}`

export const PropertyFilterTypeSchema = z.enum(PROPERTY_FILTER_TYPES, {
  error: (issue) => unsupported('property filter type', issue.input, PROPERTY_FILTER_TYPES),
})

export const PropertyOperatorSchema = z.enum(PROPERTY_OPERATORS, {
  error: (issue) => unsupported('operator', issue.input, PROPERTY_OPERATORS),
})

const ScalarValueSchema = z.union([z.string(), z.number(), z.boolean()])

export const PropertyValueSchema = z.union([ScalarValueSchema, z.null(), z.array(ScalarValueSchema)], {
  error: 'value must be a string, number, boolean, null or an array of strings, numbers and booleans',
})

/** Same rule the matcher uses, so a value accepted here can actually be compared. */
export function parseFiniteNumber(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined
  if (typeof input !== 'string') return undefined
  const text = input.trim()
  // Unambiguous pattern (no nested quantifiers) so a huge digit string cannot backtrack badly.
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(text)) return undefined
  const parsed = Number(text)
  return Number.isFinite(parsed) ? parsed : undefined
}

type ValueIssue = { path: (string | number)[]; message: string }

/**
 * An operator that compares against `value` with no usable value would otherwise match nothing (or,
 * for negated operators, everything) without any hint that the filter was left half-filled.
 */
function checkOperatorValue(operator: string, value: unknown): ValueIssue | undefined {
  if (!VALUE_OPERATORS.has(operator)) return undefined
  if (value === undefined || value === null) {
    return { path: ['value'], message: `value is required for operator '${operator}'` }
  }
  const values = Array.isArray(value) ? value : [value]
  if (values.length === 0) {
    return { path: ['value'], message: `value must not be an empty array for operator '${operator}'` }
  }
  if (!NUMERIC_OPERATORS.has(operator)) return undefined
  const index = values.findIndex((item) => parseFiniteNumber(item) === undefined)
  if (index === -1) return undefined
  return {
    path: Array.isArray(value) ? ['value', index] : ['value'],
    message: `operator '${operator}' needs a finite number`,
  }
}

export const PropertyFilterSchema = z
  .object({
    key: z.string({ error: 'key must be a non-empty string' }).min(1, { error: 'key must be a non-empty string' }),
    type: PropertyFilterTypeSchema,
    operator: PropertyOperatorSchema.default('exact'),
    value: PropertyValueSchema.optional(),
  })
  .superRefine((filter, ctx) => {
    const issue = checkOperatorValue(filter.operator, filter.value)
    if (issue) ctx.addIssue({ code: 'custom', ...issue })
  })

const PropertyFiltersSchema = z.array(PropertyFilterSchema, { error: 'properties must be an array of property filters' })

export const EventFilterSchema = z.object({
  id: z.union([z.string(), z.null()], {
    error: 'id must be an event name (string) or null to match all events',
  }),
  name: z.string({ error: 'name must be a string' }).optional(),
  type: z.literal('events', { error: (issue) => unsupported('event filter type', issue.input, ['events']) }).default('events'),
  order: z.number({ error: 'order must be a number' }).optional(),
  properties: PropertyFiltersSchema.optional(),
})

export const FiltersSchema = z.object(
  {
    events: z.array(EventFilterSchema, { error: 'events must be an array of event filters' }).optional(),
    // Actions live in PostHog's database; evaluating them here would need a copy of each action definition.
    actions: z.array(z.unknown(), { error: 'actions must be an array' }).max(0, { error: 'actions are not supported; use events filters' }).optional(),
    properties: PropertyFiltersSchema.optional(),
    filter_test_accounts: z.boolean({ error: 'filter_test_accounts must be a boolean' }).optional(),
  },
  { error: 'filters must be an object' },
)

export type PropertyFilterType = z.infer<typeof PropertyFilterTypeSchema>
export type PropertyOperator = z.infer<typeof PropertyOperatorSchema>
export type PropertyValue = z.infer<typeof PropertyValueSchema>
export type PropertyFilter = z.infer<typeof PropertyFilterSchema>
export type EventFilter = z.infer<typeof EventFilterSchema>
export type Filters = z.infer<typeof FiltersSchema>

/** Validates raw filters; the first problem becomes a ConfigError pointing at its exact field. */
export function parseFilters(raw: unknown, fieldPath = 'filters'): Filters {
  const result = FiltersSchema.safeParse(raw)
  if (result.success) return result.data
  const [first] = result.error.issues
  throw new ConfigError(joinFieldPath(fieldPath, first.path), first.message)
}
