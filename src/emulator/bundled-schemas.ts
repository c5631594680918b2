import type { OpenApiSchemas } from './openapi-validator'
import schemas from './pinterest-openapi-schemas.json'

/**
 * `components.schemas` of Pinterest's official OpenAPI file (v5.23.0) without descriptions and
 * examples, bundled so that the emulator runs offline from the package. A test keeps it equal to
 * the official file.
 */
export const PINTEREST_OPENAPI_SCHEMAS: OpenApiSchemas = schemas
