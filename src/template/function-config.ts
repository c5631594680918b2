import { z } from 'zod'
import { ConfigError, ConfigProblem, issueMessage, joinFieldPath, throwProblems } from '../errors'
import { configProblems } from './check-config'
import { loadTemplate } from './load'
import { InputSchemaOverrideSchema, Template } from './schema'
import { isRecord } from '../json'

/**
 * `{value}` as PostHog stores an input. `{secret: true}` without a value stands for a secret stored
 * server side; as in PostHog, a real `value` next to it replaces the stored secret.
 */
export const InputValueSchema = z
  .object({ value: z.unknown(), secret: z.boolean().optional(), templating: z.enum(['hog']).optional() })
  .strip()

export const MappingConfigSchema = z
  .object({
    name: z.string().max(400).optional(),
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

/**
 * Validates a configuration against the template: its shape, then every input of the function and of
 * its mappings. Throws one ConfigError listing every problem found; the Hog templates and filters are
 * checked when compiling. The REST API, the CLI and the plugin all load configurations through here.
 */
export function parseFunctionConfig(raw: unknown, template: Template = loadTemplate()): FunctionConfig {
  if (!isRecord(raw)) {
    throw new ConfigError('configuration', 'must be a JSON object')
  }
  const problems: ConfigProblem[] = []
  prototypeKeyProblems(raw, '', problems)
  const result = FunctionConfigSchema.safeParse(raw)
  if (!result.success) {
    for (const issue of result.error.issues) problems.push({ field: joinFieldPath('', issue.path) || 'configuration', detail: issueMessage(issue) })
  }
  throwProblems(problems)
  const config = result.data as FunctionConfig
  throwProblems(configProblems(config, template))
  return config
}

// Parsed JSON keeps "__proto__" as an own key; copying it into a new object (as schema parsing does)
// would change that object's prototype and silently drop the value, so the key is refused up front.
function prototypeKeyProblems(value: unknown, path: string, problems: ConfigProblem[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 32) return
  for (const [key, item] of Object.entries(value)) {
    const field = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key
    if (key === '__proto__') problems.push({ field, detail: 'this key is not allowed' })
    else prototypeKeyProblems(item, field, problems, depth + 1)
  }
}
