import type { ErrorObject } from 'ajv'

// Turns ajv errors into two wordings: a readable one with the JSON pointer (for tests and developers)
// and the one Pinterest sends in a 400, which comes from Python's jsonschema and names no location.

const inAnyOfBranch = (e: ErrorObject) => /\/anyOf\/\d+\//.test(e.schemaPath)

/**
 * Drops noise: a missing property inside an anyOf branch is said once by the anyOf error, and the
 * same problem found through several branches is reported once.
 */
export function selectProblems(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>()
  return errors.filter((e) => {
    if (e.keyword === 'required' && inAnyOfBranch(e)) return false
    if (e.keyword === 'anyOf' && !everyBranchMissesProperty(e, errors)) return false
    const key = describeProblem(e)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

// The identifier rule is broken only when every branch lacks a property. When a branch fails for
// another reason (a wrong type, an unknown key) that reason is reported instead.
function everyBranchMissesProperty(anyOf: ErrorObject, errors: ErrorObject[]): boolean {
  const branches = Array.isArray(anyOf.schema) ? anyOf.schema.length : 0
  for (let i = 0; i < branches; i++) {
    const prefix = `${anyOf.schemaPath}/${i}/`
    const missing = errors.some((e) => e.keyword === 'required' && e.instancePath === anyOf.instancePath && e.schemaPath.startsWith(prefix))
    if (!missing) return false
  }
  return branches > 0
}

export function describeProblem(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${readableMessage(e)}`
}

function readableMessage(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return `must NOT have additional properties ('${String(params.additionalProperty)}' was unexpected)`
    case 'anyOf':
      return anyOfRequirement(e.schema) ?? 'must match a schema in anyOf'
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'format':
      return params.format === 'int64' ? 'must be a safe integer (int64)' : `must match format "${String(params.format)}"`
    default:
      return e.message ?? 'is invalid'
  }
}

// The identifier rule is an anyOf of `required` sets; spell them out instead of "must match a schema".
function anyOfRequirement(branches: unknown): string | undefined {
  if (!Array.isArray(branches)) return undefined
  const sets = branches.map((b) => (b as { required?: unknown }).required)
  if (!sets.every((s): s is string[] => Array.isArray(s))) return undefined
  return `must have ${sets.map((s) => `(${s.join(' and ')})`).join(' or ')}`
}

/** Pinterest names the first problem only, e.g. `Additional properties are not allowed ('x' was unexpected)`. */
export function pinterestMessage(errors: ErrorObject[]): string | null {
  const [first] = errors
  if (first === undefined) return null
  if (first.keyword === 'additionalProperties') return unexpectedKeys(errors, first.instancePath)
  const params = first.params as Record<string, unknown>
  const value = pyRepr(first.data)
  switch (first.keyword) {
    case 'required':
      return `'${String(params.missingProperty)}' is a required property`
    case 'type':
      return `${value} is not of type ${typeList(params.type)}`
    case 'enum':
      return `${value} is not one of [${(params.allowedValues as unknown[]).map(pyRepr).join(', ')}]`
    case 'anyOf':
      return `${value} is not valid under any of the given schemas`
    case 'minItems':
    case 'minLength':
      return `${value} is too short`
    case 'maxItems':
    case 'maxLength':
      return `${value} is too long`
    case 'minimum':
      return `${value} is less than the minimum of ${String(params.limit)}`
    case 'maximum':
      return `${value} is greater than the maximum of ${String(params.limit)}`
    case 'format':
      return `${value} is not a '${String(params.format)}'`
    default:
      return `${value} ${first.message ?? 'is invalid'}`
  }
}

// jsonschema reports every unexpected key of one object in a single message.
function unexpectedKeys(errors: ErrorObject[], instancePath: string): string {
  const keys = errors.filter((e) => e.keyword === 'additionalProperties' && e.instancePath === instancePath).map((e) => `'${String((e.params as { additionalProperty: unknown }).additionalProperty)}'`)
  const unique = [...new Set(keys)]
  const verb = unique.length === 1 ? 'was' : 'were'
  return `Additional properties are not allowed (${unique.join(', ')} ${verb} unexpected)`
}

function typeList(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',')
  return types.map((t) => `'${String(t)}'`).join(', ')
}

const MAX_REPR = 120

// Python-style rendering of the offending value, cut short: a whole 1001-event batch is no help.
function pyRepr(value: unknown): string {
  const text = reprOf(value)
  return text.length > MAX_REPR ? `${text.slice(0, MAX_REPR)}...` : text
}

function reprOf(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  // Only the head of a long array or object is rendered; the result is cut to MAX_REPR anyway.
  if (Array.isArray(value)) return `[${value.slice(0, 8).map(reprOf).join(', ')}${value.length > 8 ? ', ...' : ''}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value)
    const shown = entries.slice(0, 8).map(([k, v]) => `${reprOf(k)}: ${reprOf(v)}`)
    return `{${shown.join(', ')}${entries.length > 8 ? ', ...' : ''}}`
  }
  return String(value)
}
