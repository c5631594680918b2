import type { Destination } from '../delivery/dispatcher'
import { ConfigError } from '../errors'
import { type CompiledValue, type CompileOptions, compileTemplate, templatesToParse } from '../hog/template'
import { addKnownAnswers, HogParserNotLoadedError, loadHogParser, parseTemplatesAhead, type TemplateText } from '../hog/parser'
import { Secret } from '../secret'
import { parseFunctionConfig } from '../template/function-config'
import type { FunctionConfig, MappingConfig } from '../template/function-config-schema'
import { defaultMappings, loadParsedTemplates, loadTemplate, mappingInputsSchema } from '../template/load'
import type { Template } from '../template/schema'
import { validateInputs } from '../template/validate-inputs'
import { compileFilters, type EventMatcher, onlyEventNames } from './filters'
import { isRecord } from '../json'

export interface CompiledMapping {
  name: string
  matches: EventMatcher
  /** Names of the only events it can match (null: any): see onlyEventNames. */
  eventNames: ReadonlySet<string> | null
  inputs: [string, CompiledValue][]
}

/** A function configuration validated and with every template compiled: ready to run per event. */
export interface CompiledFunction {
  name: string
  enabled: boolean
  /** Where its events go: the dispatcher's destination, read from the function's inputs. */
  settings: Destination
  matches: EventMatcher
  mappings: CompiledMapping[]
  /** Time one event may take across all the function's mappings; over it the event's result is an error. */
  timeBudgetMs: number
}

export interface FunctionCompileOptions {
  /** Per event, across all mappings (default DEFAULT_TIME_BUDGET_MS). */
  timeBudgetMs?: number
  /** Per template, for the parser (default DEFAULT_PARSE_TIMEOUT_MS). */
  parseTimeoutMs?: number
}

export const DEFAULT_TIME_BUDGET_MS = 100

/**
 * Validates a raw configuration (the hog_functions create body) and compiles it. The parser is loaded
 * only for a template that the prebuilt ones do not hold (see knowPrebuiltTemplates).
 */
export async function compileFunction(raw: unknown, options: FunctionCompileOptions = {}): Promise<CompiledFunction> {
  const config = parseFunctionConfig(raw)
  try {
    return compileFunctionSync(config, loadTemplate(), options)
  } catch (error) {
    if (!(error instanceof HogParserNotLoadedError)) throw error
  }
  await loadHogParser()
  return compileFunctionSync(config, loadTemplate(), options)
}

let prebuiltKnown = false

/** Gives the parser its recorded answers for the prebuilt templates, once per process. */
function knowPrebuiltTemplates(): void {
  if (prebuiltKnown) return
  addKnownAnswers(loadParsedTemplates().answers)
  prebuiltKnown = true
}

/**
 * Parses a configuration's templates off this thread before compileFunctionSync: an HTTP thread calls
 * it, so that a configuration of many slow templates delays its own answer, not every other request.
 * Throws ConfigError naming the input of a template that failed or ran out of the time budget.
 */
export async function parseConfigAhead(config: FunctionConfig): Promise<void> {
  const failed = await parseTemplatesAhead(configTemplates(config))
  if (failed) throw new ConfigError(failed.field, failed.failure)
}

function configTemplates(config: FunctionConfig): TemplateText[] {
  const out: TemplateText[] = []
  const inputs = (values: Record<string, unknown> | undefined, field: string) => {
    for (const [key, entry] of Object.entries(values ?? {})) templatesToParse(isRecord(entry) ? entry.value : undefined, `${field}.${key}`, out)
  }
  inputs(config.inputs, 'inputs')
  config.mappings?.forEach((mapping, i) => {
    inputs(mapping.inputs, `mappings[${i}].inputs`)
    mapping.inputs_schema?.forEach((item, j) => templatesToParse(item.default, `mappings[${i}].inputs_schema[${j}].default`, out))
  })
  return out
}

/** Needs the Hog parser loaded for templates other than the prebuilt ones (compileFunction does that). */
export function compileFunctionSync(config: FunctionConfig, template: Template = loadTemplate(), options: FunctionCompileOptions = {}): CompiledFunction {
  knowPrebuiltTemplates()
  if (config.template_id !== template.id) {
    throw new ConfigError('template_id', `No such template; this destination is '${template.id}'`)
  }
  const values = validateInputs(template.inputs_schema, config.inputs, 'inputs')
  // A function file without mappings runs the defaults, the ones the server stores for a function created without.
  const mappings = config.mappings ?? defaultMappings(template)
  return {
    name: config.name ?? template.name,
    enabled: config.enabled,
    settings: {
      adAccountId: values.ad_account_id as string,
      conversionToken: new Secret(values.conversion_token as string),
      debugMode: values.debug_mode === true,
      testMode: values.test_mode === true,
    },
    // PostHog drops top-level event filters once a function has mappings: the mappings choose events.
    matches: compileFilters(withoutEventFilters(config.filters), 'filters'),
    mappings: mappings.map((mapping, i) => compileMapping(mapping, template, i, { parseTimeoutMs: options.parseTimeoutMs })).filter((_compiled, i) => !isDisabled(mappings[i])),
    timeBudgetMs: options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS,
  }
}

// Default mappings have no switch; a stored one may be off.
export const isDisabled = (mapping: object): boolean => 'disabled' in mapping && mapping.disabled === true

/** What results and logs call a mapping: its name, or its place when it has none. */
export const mappingName = (mapping: { name?: string }, index: number): string => mapping.name ?? `Mapping mappings[${index}]`

function withoutEventFilters(filters: unknown): unknown {
  if (!isRecord(filters)) return filters
  const { events: _events, ...rest } = filters
  return rest
}

function compileMapping(mapping: MappingConfig, template: Template, index: number, options: CompileOptions): CompiledMapping {
  const field = `mappings[${index}]`
  const preset = template.mapping_templates.find((m) => m.name === mapping.name)
  const schema = mappingInputsSchema(mapping, template, field)
  const values = validateInputs(schema, mapping.inputs, `${field}.inputs`)
  const filters = mapping.filters !== undefined ? mapping.filters : preset?.filters
  if (filters === undefined) {
    throw new ConfigError(`${field}.filters`, 'a custom mapping needs filters; {"events": [{"id": null, "type": "events"}]} takes every event')
  }
  const compiled = Object.entries(values).map(([key, value]): [string, CompiledValue] => {
    const item = schema.find((i) => i.key === key)
    return [key, item?.templating === false ? { kind: 'constant', value } : compileTemplate(value, `${field}.inputs.${key}`, options)]
  })
  return {
    name: mappingName(mapping, index),
    matches: compileFilters(filters, `${field}.filters`),
    eventNames: onlyEventNames(filters),
    inputs: compiled,
  }
}

/** One line for debug output; the token is a Secret, so it prints redacted. */
export function describeFunction(fn: CompiledFunction): string {
  return JSON.stringify({
    name: fn.name,
    enabled: fn.enabled,
    ad_account_id: fn.settings.adAccountId,
    conversion_token: fn.settings.conversionToken,
    test_mode: fn.settings.testMode,
    mappings: fn.mappings.map((m) => m.name),
  })
}
