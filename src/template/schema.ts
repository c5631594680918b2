import { z } from 'zod'
import { FiltersSchema } from './filter-schema'

/** One input of a template or mapping, in PostHog's `inputs_schema` item shape. */
export const InputSchemaItemSchema = z
  .object({
    key: z.string().regex(/^[a-z_][a-z0-9_]*$/i, 'key must be an identifier'),
    type: z.enum(['string', 'number', 'boolean', 'dictionary', 'choice', 'json']),
    label: z.string().min(1),
    description: z.string().optional(),
    required: z.boolean().default(false),
    default: z.unknown().optional(),
    secret: z.boolean().default(false),
    choices: z.array(z.object({ value: z.string(), label: z.string() }).strict()).optional(),
    /** Choices that are suggestions only: other values are checked by `pattern` instead. */
    allow_custom_choice: z.boolean().optional(),
    pattern: z.string().optional(),
    max_length: z.number().int().positive().optional(),
    templating: z.boolean().default(true),
    hidden: z.boolean().default(false),
  })
  .strict()

export type InputSchemaItem = z.infer<typeof InputSchemaItemSchema>

/** A mapping file may override only some keys of an item of the shared mapping inputs. */
export const InputSchemaOverrideSchema = InputSchemaItemSchema.partial().required({ key: true }).strict()

/** One file under mappings/: PostHog's mapping-template shape. */
export const MappingTemplateFileSchema = z
  .object({
    name: z.string().min(1),
    include_by_default: z.boolean(),
    filters: FiltersSchema.optional(),
    /** Items here are merged by key over the template's `mapping_inputs_schema`. */
    inputs_schema: z.array(InputSchemaOverrideSchema).default([]),
  })
  .strict()

export type MappingTemplateFile = z.infer<typeof MappingTemplateFileSchema>

/** templates/pinterest-conversions-api.json */
export const TemplateFileSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    type: z.literal('destination'),
    status: z.enum(['stable', 'alpha', 'beta', 'deprecated']),
    free: z.boolean(),
    category: z.array(z.string()),
    icon_url: z.string(),
    code_language: z.enum(['hog', 'javascript']),
    code: z.string(),
    inputs_schema: z.array(InputSchemaItemSchema),
    mapping_inputs_schema: z.array(InputSchemaItemSchema),
    /** File names under mappings/, without `.json`, in the order they are offered. */
    mapping_templates: z.array(z.string().regex(/^[a-z0-9-]+$/)),
  })
  .strict()

export type TemplateFile = z.infer<typeof TemplateFileSchema>

/** templates/parsed-templates.json: the Hog parser's answer (its JSON text) for each template string of the defaults. */
export const ParsedTemplatesFileSchema = z
  .object({
    /** The @posthog/hogql-parser version that gave the answers. */
    parser: z.string(),
    answers: z.record(z.string(), z.string()),
  })
  .strict()

export type ParsedTemplatesFile = z.infer<typeof ParsedTemplatesFileSchema>

export const MappingTemplateSchema = z.object({
  name: z.string(),
  include_by_default: z.boolean(),
  filters: FiltersSchema.optional(),
  inputs_schema: z.array(InputSchemaItemSchema),
})

/** A mapping template with its inputs fully merged: what the API serves and configs start from. */
export type MappingTemplate = z.infer<typeof MappingTemplateSchema>

/** The loaded template: the file with `mapping_templates` resolved. */
export type Template = Omit<TemplateFile, 'mapping_templates' | 'mapping_inputs_schema'> & {
  mapping_templates: MappingTemplate[]
}
