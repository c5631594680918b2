import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import { describeProblem, pinterestMessage, selectProblems } from './schema-errors'

// Validates `{data: [...]}` request bodies against the `components.schemas` of Pinterest's OpenAPI file.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type OpenApiSchemas = Record<string, unknown>

export interface ValidatorOptions {
  /**
   * Close objects that declare `properties` but say nothing about extra keys (user_data in v5.23),
   * so that an unknown key is rejected everywhere, like the objects Pinterest closes explicitly.
   */
  rejectUnknownKeys?: boolean
}

export interface RequestCheck {
  /** Readable problems, each naming the JSON pointer of the offending value; empty when valid. */
  problems: string[]
  /** The first problem worded like Pinterest's 400 message (Python jsonschema style); null when valid. */
  pinterestMessage: string | null
}

const REF_PREFIX = '#/components/schemas/'

// OpenAPI 3.0 → JSON Schema: `nullable` becomes a 'null' type, component refs point at `definitions`,
// and a $ref with sibling keywords is wrapped in allOf (draft-07 ignores siblings of $ref, which would
// silently disable the user_data identifier rule).
function toJsonSchema(node: unknown, options: ValidatorOptions, inProperties = false): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, options))
  if (node === null || typeof node !== 'object') return node as Json
  const source = node as Record<string, unknown>
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(source)) {
    // Inside `properties` the keys are field names, so nothing there is an OpenAPI keyword.
    if (!inProperties && (key === 'nullable' || key === 'example')) continue
    out[key] = toJsonSchema(value, options, !inProperties && key === 'properties')
  }
  if (inProperties) return out
  if (source.nullable === true && typeof source.type === 'string') out.type = [source.type, 'null']
  if (options.rejectUnknownKeys && source.properties !== undefined && source.additionalProperties === undefined) {
    out.additionalProperties = false
  }
  if (typeof source.$ref === 'string') return wrapRef(source.$ref, out)
  return out
}

function wrapRef(ref: string, converted: { [key: string]: Json }): Json {
  const target = ref.replace(REF_PREFIX, '#/definitions/')
  const { $ref: _ignored, ...siblings } = converted
  return Object.keys(siblings).length === 0 ? { $ref: target } : { allOf: [{ $ref: target }], ...siblings }
}

function compile(schemas: OpenApiSchemas, options: ValidatorOptions): ValidateFunction {
  const definitions = toJsonSchema(schemas, options) as { [key: string]: Json }
  const root = definitions.ConversionEvents
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new Error('components.schemas has no ConversionEvents object')
  }
  // verbose keeps the offending value and schema on each error, for messages that quote them.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true })
  // JSON numbers beyond 2^53 cannot be sent exactly, so int64 here means a safe integer.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
  return ajv.compile({ ...root, definitions })
}

export function createRequestChecker(schemas: OpenApiSchemas, options: ValidatorOptions = {}): (body: unknown) => RequestCheck {
  const validate = compile(schemas, options)
  return (body) => {
    if (validate(body)) return { problems: [], pinterestMessage: null }
    const errors: ErrorObject[] = selectProblems(validate.errors ?? [])
    return { problems: errors.map(describeProblem), pinterestMessage: pinterestMessage(errors) }
  }
}

export function createRequestValidator(schemas: OpenApiSchemas, options: ValidatorOptions = {}): (body: unknown) => string[] {
  const check = createRequestChecker(schemas, options)
  return (body) => check(body).problems
}
