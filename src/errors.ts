/** One problem of a function configuration: where (`field`) and what (`detail`). */
export interface ConfigProblem {
  readonly field: string
  readonly detail: string
}

/**
 * A problem with a function configuration (template inputs, mappings, filters, Hog templates).
 * `field` is a dotted path such as `inputs.ad_account_id` or `mappings[2].filters.events[0].id`,
 * so that the CLI, the REST API (`attr`) and the plugin can point at the exact place. `problems`
 * lists every problem found, this one first, so that a user fixes them in one go.
 */
export class ConfigError extends Error {
  readonly field: string
  /** The message without the field. */
  readonly detail: string
  readonly problems: readonly ConfigProblem[]

  constructor(field: string, message: string, more: readonly ConfigProblem[] = []) {
    const problems = [{ field, detail: message }, ...more]
    super(problems.map((p) => `${p.field}: ${p.detail}`).join('\n'))
    this.name = 'ConfigError'
    this.field = field
    this.detail = message
    this.problems = problems
  }
}

/** Throws one ConfigError listing every problem, when there is any. */
export function throwProblems(problems: readonly ConfigProblem[]): void {
  if (problems.length === 0) return
  const [first, ...more] = problems
  throw new ConfigError(first.field, first.detail, more)
}

/** The problems a ConfigError thrown by `run` lists, added to `problems`; `run`'s result, or undefined after an error. */
export function collectProblems<T>(problems: ConfigProblem[], run: () => T): T | undefined {
  try {
    return run()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    problems.push(...error.problems)
    return undefined
  }
}

/**
 * A zod issue's message, except where zod would quote the input: an unknown key's name may be a token
 * pasted into the wrong place, so it is not repeated.
 */
export function issueMessage(issue: { code: string; message: string }): string {
  return issue.code === 'unrecognized_keys' ? 'a key is not known here' : issue.message
}

/** A zod issue path under `base`: `['events', 0, 'id']` under `filters` → `filters.events[0].id`. */
export function joinFieldPath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`
    const name = String(segment)
    return acc === '' ? name : `${acc}.${name}`
  }, base)
}

/**
 * A problem the operator can fix outside the command (a port in use, a database held by another server):
 * the CLI prints the message as one line, without a stack, and exits 1.
 */
export class OperatorError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OperatorError'
  }
}
