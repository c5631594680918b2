import fs from 'node:fs'
import path from 'node:path'
import Ajv, { ValidateFunction } from 'ajv'

// Validates request bodies against Pinterest's official OpenAPI file, independently of our zod schema.
export const OPENAPI_PATH = path.resolve(__dirname, '../../../shared/pinterest/conversions-api.openapi.json')

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

const REF_PREFIX = '#/components/schemas/'

// OpenAPI 3.0 → JSON Schema: `nullable` becomes a 'null' type, component refs point at `definitions`,
// and a $ref with sibling keywords is wrapped in allOf (draft-07 would ignore the siblings, which
// would silently disable the user_data identifier rule).
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (node === null || typeof node !== 'object') return node
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example') continue
    out[key] = toJsonSchema(value)
  }
  if (node.nullable === true && typeof node.type === 'string') out.type = [node.type, 'null']
  if (typeof node.$ref === 'string') {
    const ref = node.$ref.replace(REF_PREFIX, '#/definitions/')
    const { $ref: _ignored, ...siblings } = out
    return Object.keys(siblings).length === 0 ? { $ref: ref } : { allOf: [{ $ref: ref }], ...siblings }
  }
  return out
}

let validator: ValidateFunction | undefined

export function loadOpenApi(): { components: { schemas: Record<string, Json> } } {
  return JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'))
}

function compile(): ValidateFunction {
  const schemas = loadOpenApi().components.schemas
  const definitions = toJsonSchema(schemas) as { [key: string]: Json }
  const root = { ...(definitions.ConversionEvents as object), definitions }
  const ajv = new Ajv({ strict: false, allErrors: true })
  // JSON numbers beyond 2^53 cannot be sent exactly, so int64 here means a safe integer.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) })
  return ajv.compile(root)
}

export function validatePinterestRequest(body: unknown): string[] {
  validator ??= compile()
  if (validator(body)) return []
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
}
