/**
 * Compiles PostHog-style destination filters into a plain predicate over invocation globals.
 *
 * Semantics follow PostHog's filter compilation: the event passes when every top-level property
 * filter matches AND (there are no events entries OR at least one entry matches). All validation and
 * regex compilation happens once in `compileFilters`. The returned matcher throws only a RegexError
 * (the regex engine failed), which is the caller's error result rather than a silent "no match".
 */
import { ConfigError } from '../errors'
import { compileRegex, type Matcher, PatternTooLongError, RegexError } from '../regex'
import { parseFiniteNumber, parseFilters, type EventFilter, type PropertyFilter, type PropertyOperator } from '../template/filter-schema'
import { isRecord } from '../json'

export type FilterGlobals = {
  event: { event: string; properties: Record<string, unknown> }
  person?: { properties?: Record<string, unknown> } | null
}

export type EventMatcher = (globals: FilterGlobals) => boolean

/** Receives the property's value, or `undefined` when the property is absent. */
type ValueTest = (actual: unknown) => boolean

const matchAll: EventMatcher = () => true

export function compileFilters(raw: unknown, fieldPath = 'filters'): EventMatcher {
  if (raw === undefined || raw === null) return matchAll
  const filters = parseFilters(raw, fieldPath)
  const eventMatchers = (filters.events ?? []).map((entry, index) => compileEventFilter(entry, `${fieldPath}.events[${index}]`))
  const propertiesMatch = compilePropertyFilters(filters.properties ?? [], `${fieldPath}.properties`)
  const eventsMatch: EventMatcher = eventMatchers.length === 0 ? matchAll : eventMatchers.length === 1 ? eventMatchers[0] : (globals) => eventMatchers.some((matches) => matches(globals))
  return guard(propertiesMatch === matchAll ? eventsMatch : (globals) => propertiesMatch(globals) && eventsMatch(globals))
}

/**
 * The event names outside of which the filters never match, or null when they may match any name (no
 * events entries, an entry for every event) or when top-level property filters would run first (their
 * regex engine may fail, which is an error result, not a skip): a function runs many mappings per event
 * and skips those for other names without calling their matchers. Takes filters compileFilters accepted.
 */
export function onlyEventNames(raw: unknown): ReadonlySet<string> | null {
  if (raw === undefined || raw === null) return null
  const filters = parseFilters(raw)
  const events = filters.events ?? []
  if ((filters.properties ?? []).length > 0) return null
  if (events.length === 0 || events.some((entry) => entry.id === null)) return null
  return new Set(events.map((entry) => entry.id as string))
}

/**
 * Events come from outside (SDKs, replays, tests); a malformed one must be "not matched", like
 * PostHog's filtering_failed outcome, instead of crashing the whole delivery loop.
 */
function guard(matcher: EventMatcher): EventMatcher {
  return (globals) => {
    try {
      return matcher(globals) === true
    } catch (error) {
      if (error instanceof RegexError) throw error
      return false
    }
  }
}

function compileEventFilter(entry: EventFilter, fieldPath: string): EventMatcher {
  const propertiesMatch = compilePropertyFilters(entry.properties ?? [], `${fieldPath}.properties`)
  const wantedName = entry.id
  if (wantedName === null) return propertiesMatch
  if (propertiesMatch === matchAll) return (globals) => readEventName(globals) === wantedName
  return (globals) => readEventName(globals) === wantedName && propertiesMatch(globals)
}

function compilePropertyFilters(filters: readonly PropertyFilter[], fieldPath: string): EventMatcher {
  if (filters.length === 0) return matchAll
  const matchers = filters.map((filter, index) => compilePropertyFilter(filter, `${fieldPath}[${index}]`))
  return (globals) => matchers.every((matches) => matches(globals))
}

function compilePropertyFilter(filter: PropertyFilter, fieldPath: string): EventMatcher {
  const test = compileValueTest(filter, fieldPath)
  const { key, type } = filter
  return (globals) => test(readProperty(type === 'event' ? globals?.event : globals?.person, key))
}

function compileValueTest(filter: PropertyFilter, fieldPath: string): ValueTest {
  const expected = expectedValues(filter.value)
  switch (filter.operator) {
    case 'is_set':
      return isPresent
    case 'is_not_set':
      return negate(isPresent)
    case 'exact':
      return exactTest(expected)
    case 'is_not':
      return negate(exactTest(expected))
    case 'icontains':
      return containsTest(expected)
    case 'not_icontains':
      return negate(containsTest(expected))
    case 'regex':
      return regexTest(expected, filter.value, `${fieldPath}.value`)
    case 'not_regex':
      return negate(regexTest(expected, filter.value, `${fieldPath}.value`))
    default:
      return numericTest(filter.operator, expected)
  }
}

/** An array value means "any of"; negated operators therefore mean "none of", as in PostHog. */
function expectedValues(value: PropertyFilter['value']): string[] {
  if (value === undefined || value === null) return []
  return (Array.isArray(value) ? value : [value]).map((item) => String(item))
}

const isPresent: ValueTest = (actual) => actual !== undefined && actual !== null

function negate(test: ValueTest): ValueTest {
  return (actual) => !test(actual)
}

function exactTest(expected: readonly string[]): ValueTest {
  const wanted = new Set(expected)
  return (actual) => {
    const text = textForm(actual)
    return text !== undefined && wanted.has(text)
  }
}

function containsTest(expected: readonly string[]): ValueTest {
  const needles = expected.map((item) => item.toLowerCase())
  return (actual) => {
    const text = textForm(actual)?.toLowerCase()
    return text !== undefined && needles.some((needle) => text.includes(needle))
  }
}

function regexTest(expected: readonly string[], value: PropertyFilter['value'], fieldPath: string): ValueTest {
  const patterns = expected.map((source, index) => compilePattern(source, Array.isArray(value) ? `${fieldPath}[${index}]` : fieldPath))
  return (actual) => {
    const text = textForm(actual)
    return text !== undefined && patterns.some((matches) => matches(text))
  }
}

/** Case-sensitive unless the pattern says `(?i)`, as in PostHog. */
function compilePattern(source: string, fieldPath: string): Matcher {
  try {
    return compileRegex(source)
  } catch (error) {
    // Our own reasons name a bound or the engine; RE2's quote pieces of the pattern, the rejected value.
    if (error instanceof PatternTooLongError || error instanceof RegexError) throw new ConfigError(fieldPath, error.message)
    throw new ConfigError(fieldPath, 'not a valid RE2 regular expression (RE2 has no lookaround and no backreferences)')
  }
}

type NumericOperator = Extract<PropertyOperator, 'gt' | 'gte' | 'lt' | 'lte'>

const NUMERIC_COMPARISONS: Record<NumericOperator, (actual: number, expected: number) => boolean> = {
  gt: (actual, expected) => actual > expected,
  gte: (actual, expected) => actual >= expected,
  lt: (actual, expected) => actual < expected,
  lte: (actual, expected) => actual <= expected,
}

function numericTest(operator: NumericOperator, expected: readonly string[]): ValueTest {
  const compare = NUMERIC_COMPARISONS[operator]
  // The schema guarantees every expected value parses, so the filter drops nothing here.
  const bounds = expected.map(parseFiniteNumber).filter((bound): bound is number => bound !== undefined)
  return (actual) => {
    const number = parseFiniteNumber(actual)
    return number !== undefined && bounds.some((bound) => compare(number, bound))
  }
}

/**
 * The string a property is compared as. `undefined` means "nothing to compare" (absent, null, or
 * not representable), which every positive operator treats as no match.
 */
function textForm(actual: unknown): string | undefined {
  switch (typeof actual) {
    case 'string':
      return actual
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(actual)
    case 'object':
      return actual === null ? undefined : jsonForm(actual)
    default:
      return undefined
  }
}

/** Circular structures or throwing `toJSON` hooks must not escape the matcher. */
function jsonForm(actual: object): string | undefined {
  try {
    return JSON.stringify(actual)
  } catch {
    return undefined
  }
}

function readEventName(globals: unknown): string | undefined {
  const name = member(member(globals, 'event'), 'event')
  return typeof name === 'string' ? name : undefined
}

/** `holder` is `event` or `person`; a missing person or non-object properties read as "absent". */
function readProperty(holder: unknown, key: string): unknown {
  return ownValue(member(holder, 'properties'), key)
}

/** Fixed structural fields (`event`, `properties`): plain access, so class instances also work. */
function member(source: unknown, name: 'event' | 'properties'): unknown {
  return isRecord(source) ? (source as Record<string, unknown>)[name] : undefined
}

/**
 * Configured keys are read as own data properties only: `constructor` or `__proto__` must not reach
 * Object.prototype, and reading the descriptor instead of the property never runs a getter.
 */
function ownValue(source: unknown, key: string): unknown {
  if (!isRecord(source)) return undefined
  const descriptor = Object.getOwnPropertyDescriptor(source, key)
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : undefined
}
