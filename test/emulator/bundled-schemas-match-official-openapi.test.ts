import bundled from '../../src/emulator/pinterest-openapi-schemas.json'
import { loadOpenApi } from '../helpers/pinterest-schema'

// The bundled copy must say exactly what the official file says, minus prose and samples.
const PROSE = new Set(['description', 'example', 'examples', 'title'])

function stripProse(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => stripProse(item))
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) {
    // Under `properties` the keys are field names, never prose keywords.
    if (!inProperties && PROSE.has(key)) continue
    out[key] = stripProse(value, !inProperties && key === 'properties')
  }
  return out
}

describe('the bundled OpenAPI schemas', () => {
  it('equal the official components.schemas without description, example(s) and title', () => {
    expect(bundled).toEqual(stripProse(loadOpenApi().components.schemas))
  })

  it('hold no prose at all', () => {
    const text = JSON.stringify(bundled)
    for (const key of PROSE) expect(text).not.toContain(`"${key}":`)
  })
})
