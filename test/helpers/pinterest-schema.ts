import fs from 'node:fs'
import path from 'node:path'
import { createRequestValidator, type OpenApiSchemas } from '../../src/emulator/openapi-validator'
import { SHARED_DIR } from './fixtures'

// Validates request bodies against Pinterest's official OpenAPI file (the shared copy, not the bundled
// one), independently of our zod schema.
export const OPENAPI_PATH = path.join(SHARED_DIR, 'pinterest', 'conversions-api.openapi.json')

export function loadOpenApi(): { components: { schemas: OpenApiSchemas } } {
  return JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8'))
}

let validator: ((body: unknown) => string[]) | undefined

export function validatePinterestRequest(body: unknown): string[] {
  validator ??= createRequestValidator(loadOpenApi().components.schemas)
  return validator(body)
}
