import type { z } from 'zod'
import { ConfigError, joinFieldPath, issueMessage } from '../errors'
import { readPackageFile } from './files'
import {
  type InputSchemaItem,
  InputSchemaItemSchema,
  type MappingTemplate,
  MappingTemplateFileSchema,
  type ParsedTemplatesFile,
  ParsedTemplatesFileSchema,
  type Template,
  TemplateFileSchema,
} from './schema'
import { isRecord } from '../json'

export const TEMPLATE_PATH = 'templates/pinterest-conversions-api.json'
export const PARSED_TEMPLATES_PATH = 'templates/parsed-templates.json'

export function mappingPath(name: string): string {
  return `mappings/${name}.json`
}

/** Formats the first zod issue as `file: path: message`, the way every loader error reads. */
function parseOrThrow<T>(schema: z.ZodType<T>, data: unknown, where: string): T {
  const result = schema.safeParse(data)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ConfigError(joinFieldPath(where, issue.path), issueMessage(issue))
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readPackageFile(path))
  } catch (error) {
    throw new ConfigError(path, `cannot read JSON: ${(error as Error).message}`)
  }
}

/**
 * A mapping file lists only what differs from the shared mapping inputs. Its items are laid over the
 * shared items by key; a dictionary default is laid over the shared default key by key.
 */
export function mergeInputsSchema(shared: InputSchemaItem[], overrides: Partial<InputSchemaItem>[], where: string): InputSchemaItem[] {
  const byKey = new Map(overrides.map((o) => [o.key, o]))
  for (const key of byKey.keys()) {
    if (!shared.some((item) => item.key === key)) throw new ConfigError(`${where}.inputs_schema`, 'an item names an input that is not known')
  }
  return shared.map((item, i) => {
    const override = byKey.get(item.key)
    if (!override) return item
    const merged = { ...item, ...override }
    if (isRecord(item.default) && isRecord(override.default)) merged.default = { ...item.default, ...override.default }
    return parseOrThrow(InputSchemaItemSchema, merged, `${where}.inputs_schema[${i}]`)
  })
}

let cached: Template | undefined

/** Loads and validates templates/ and mappings/ once per process. */
export function loadTemplate(): Template {
  cached ??= readTemplate()
  return cached
}

function readTemplate(): Template {
  const file = parseOrThrow(TemplateFileSchema, readJson(TEMPLATE_PATH), TEMPLATE_PATH)
  const { mapping_inputs_schema: shared, mapping_templates: refs, ...rest } = file
  const mappingTemplates = refs.map((ref): MappingTemplate => {
    const where = mappingPath(ref)
    const mapping = parseOrThrow(MappingTemplateFileSchema, readJson(where), where)
    return { ...mapping, inputs_schema: mergeInputsSchema(shared, mapping.inputs_schema, where) }
  })
  return { ...rest, mapping_templates: mappingTemplates }
}

/**
 * The parser's recorded answers for the template strings of the defaults (test/template/
 * parsed-templates-are-the-parsers-answers.test.ts checks them and writes them anew).
 */
export function loadParsedTemplates(): ParsedTemplatesFile {
  return parseOrThrow(ParsedTemplatesFileSchema, readJson(PARSED_TEMPLATES_PATH), PARSED_TEMPLATES_PATH)
}

/** The blank mapping users start custom mappings from. */
export function blankMappingTemplate(template: Template): MappingTemplate {
  const blank = template.mapping_templates.find((m) => !m.filters)
  if (!blank) throw new ConfigError('templates/pinterest-conversions-api.json', 'no blank mapping template')
  return blank
}

/**
 * The inputs_schema a mapping runs with: the prebuilt mapping's of the same name (the blank one for a
 * new name), with the mapping's own items laid over it by key. It cannot drop the builder's fields.
 */
export function mappingInputsSchema(mapping: { name?: string; inputs_schema?: Partial<InputSchemaItem>[] }, template: Template, field: string): InputSchemaItem[] {
  const preset = template.mapping_templates.find((m) => m.name === mapping.name)
  const base = (preset ?? blankMappingTemplate(template)).inputs_schema
  return mapping.inputs_schema ? mergeInputsSchema(base, mapping.inputs_schema, field) : base
}

/**
 * The mappings a function gets when it is created without any, as PostHog's UI seeds them: each
 * `include_by_default` mapping template with its filters, and its inputs set to the schema defaults.
 */
export function defaultMappings(template: Template): DefaultMapping[] {
  return template.mapping_templates
    .filter((m) => m.include_by_default)
    .map((m) => ({
      name: m.name,
      ...(m.filters ? { filters: m.filters } : {}),
      inputs: Object.fromEntries(m.inputs_schema.filter((item) => item.default !== undefined).map((item) => [item.key, { value: item.default }])),
    }))
}

export interface DefaultMapping {
  name: string
  filters?: MappingTemplate['filters']
  inputs: Record<string, { value: unknown }>
}
