import { ConfigError, type ConfigProblem, issueMessage, joinFieldPath, throwProblems } from '../errors'
import { configProblems } from './check-config'
import { loadTemplate } from './load'
import { type FunctionConfig, FunctionConfigSchema } from './function-config-schema'
import type { Template } from './schema'
import { isRecord } from '../json'

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
