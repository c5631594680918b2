import { isRecord } from '../json'
import type { StoredFunction } from '../store/types'

type InputEntry = { value?: unknown; secret?: boolean } | null | undefined

/** As in PostHog, a secret sent back as `{secret: true}`, left empty or left out keeps the stored value. */
export function keepsStoredSecret(entry: InputEntry): boolean {
  return !entry || entry.value === undefined || entry.value === null || entry.value === ''
}

/**
 * The configuration a stored function runs with: its stored fields, changed by `overrides` (a test
 * invocation's configuration), with the stored secrets put back wherever the inputs keep them.
 */
export function storedConfig(stored: StoredFunction, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const given = isRecord(overrides.inputs) ? (overrides.inputs as Record<string, InputEntry>) : undefined
  const inputs: Record<string, unknown> = { ...(given ?? stored.inputs) }
  for (const [key, value] of Object.entries(stored.secrets)) if (keepsStoredSecret(given?.[key])) inputs[key] = { value }
  return {
    type: stored.type,
    name: stored.name,
    template_id: stored.template_id,
    enabled: stored.enabled,
    ...(stored.mappings ? { mappings: stored.mappings } : {}),
    ...(stored.filters ? { filters: stored.filters } : {}),
    ...overrides,
    inputs,
  }
}
