import { isRecord } from '../json'
import type { StoredFunction } from '../store/types'

type InputEntry = { value?: unknown; secret?: boolean } | null | undefined

/** As in PostHog, a secret sent back as `{secret: true}`, left empty or left out keeps the stored value. */
function keepsStoredSecret(entry: InputEntry): boolean {
  return !entry || entry.value === undefined || entry.value === null || entry.value === ''
}

/**
 * The inputs with the stored secrets put back wherever the inputs keep them: the one place stored
 * secrets rejoin a configuration (saving one, running one, testing one).
 */
export function withStoredSecrets(inputs: Record<string, unknown>, secrets: Record<string, string>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...inputs }
  for (const [key, value] of Object.entries(secrets)) if (keepsStoredSecret(inputs[key] as InputEntry)) merged[key] = { value }
  return merged
}

/**
 * The configuration a stored function runs with: its stored fields, changed by `overrides` (a test
 * invocation's configuration), with the stored secrets put back wherever the inputs keep them.
 */
export function storedConfig(stored: StoredFunction, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const given = isRecord(overrides.inputs) ? overrides.inputs : undefined
  return {
    type: stored.type,
    name: stored.name,
    template_id: stored.template_id,
    enabled: stored.enabled,
    ...(stored.mappings ? { mappings: stored.mappings } : {}),
    ...(stored.filters ? { filters: stored.filters } : {}),
    ...overrides,
    inputs: withStoredSecrets(given ?? stored.inputs, stored.secrets),
  }
}
