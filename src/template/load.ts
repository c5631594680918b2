import { z } from 'zod'
import { ConfigError, joinFieldPath, issueMessage } from '../errors'
import { readPackageFile } from './files'
import {
  InputSchemaItem,
  InputSchemaItemSchema,
  MappingTemplate,
  MappingTemplateFileSchema,
  Template,
  TemplateFileSchema,
} from './schema'
import { isRecord } from '../json'

export const TEMPLATE_PATH = 'templates/pinterest-conversions-api.json'

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
export function mergeInputsSchema(
  shared: InputSchemaItem[],
  overrides: Partial<InputSchemaItem>[],
  where: string,
): InputSchemaItem[] {
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

/** The blank mapping users start custom mappings from. */
export function blankMappingTemplate(template: Template): MappingTemplate {
  const blank = template.mapping_templates.find((m) => !m.filters)
  if (!blank) throw new ConfigError('templates/pinterest-conversions-api.json', 'no blank mapping template')
  return blank
}
