import { z } from 'zod'
import { InputSchemaOverrideSchema } from './schema'

/**
 * `{value}` as PostHog stores an input. `{secret: true}` without a value stands for a secret stored
 * server side; as in PostHog, a real `value` next to it replaces the stored secret.
 */
export const InputValueSchema = z.object({ value: z.unknown(), secret: z.boolean().optional(), templating: z.enum(['hog']).optional() }).strip()

export const MappingConfigSchema = z
  .object({
    name: z.string().max(400).optional(),
    /** PostHog's switch for one mapping: kept, validated and compiled, but no event runs through it. */
    disabled: z.boolean().optional(),
    filters: z.unknown().optional(),
    inputs: z.record(z.string(), InputValueSchema).optional(),
    /** Items changed by key over the prebuilt (or blank) mapping's inputs. */
    inputs_schema: z.array(InputSchemaOverrideSchema).optional(),
  })
  .strip()

/** Each event runs through every mapping of a function, so their number is bounded. */
export const MAX_MAPPINGS = 100

/**
 * A function configuration: the body of PostHog's `POST /api/projects/:id/hog_functions`.
 * Keys PostHog accepts but this destination does not use (hog, masking, icon_url, ...) are ignored.
 */
export const FunctionConfigSchema = z
  .object({
    type: z.literal('destination').default('destination'),
    name: z.string().max(400).optional(),
    description: z.string().max(10_000).optional(),
    template_id: z.string(),
    enabled: z.boolean().default(true),
    inputs: z.record(z.string(), InputValueSchema).default({}),
    mappings: z.array(MappingConfigSchema).max(MAX_MAPPINGS, `at most ${MAX_MAPPINGS} mappings per function`).optional(),
    filters: z.unknown().optional(),
  })
  .strip()

export type FunctionConfig = z.infer<typeof FunctionConfigSchema>
export type MappingConfig = z.infer<typeof MappingConfigSchema>
export type InputValue = z.infer<typeof InputValueSchema>
