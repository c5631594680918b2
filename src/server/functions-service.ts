import { ConfigError } from '../errors'
import { compileFunctionSync, parseConfigAhead } from '../mapping/compile-function'
import type { FunctionStore, StoredFunction } from '../store/types'
import { newId } from '../store/tokens'
import { FunctionConfig, parseFunctionConfig } from '../template/function-config'
import { loadTemplate } from '../template/load'
import type { Template } from '../template/schema'
import { asApiError, notFound, validationError } from './errors'
import { keepsStoredSecret } from './stored-config'
import { isRecord } from '../json'

type Inputs = Record<string, { value?: unknown; secret?: boolean }>

function secretKeys(template: Template): Set<string> {
  return new Set(template.inputs_schema.filter((item) => item.secret).map((item) => item.key))
}

/**
 * Splits inputs into the ones stored and returned as they are, and secret values. A secret given as
 * `{secret: true}` (or left out) keeps the stored value, as in PostHog.
 */
function splitSecrets(inputs: Inputs, stored: Record<string, string>, template: Template) {
  const plain: Record<string, { value: unknown }> = {}
  const secrets: Record<string, string> = {}
  const secret = secretKeys(template)
  for (const [key, entry] of Object.entries(inputs)) {
    if (!secret.has(key)) {
      if (entry && entry.value !== undefined) plain[key] = { value: entry.value }
      continue
    }
    if (!keepsStoredSecret(entry)) {
      if (typeof entry.value !== 'string') throw new ConfigError(`inputs.${key}`, 'Value must be a string.')
      secrets[key] = entry.value
    }
  }
  for (const key of secret) if (!(key in secrets) && stored[key] !== undefined) secrets[key] = stored[key]
  return { plain, secrets }
}

/** Validates a configuration the way the worker will run it: every input checked, every template compiled. */
function validate(config: FunctionConfig, secrets: Record<string, string>, template: Template): void {
  const inputs = { ...config.inputs }
  for (const [key, value] of Object.entries(secrets)) inputs[key] = { value }
  for (const key of secretKeys(template)) if (!(key in secrets)) delete inputs[key]
  compileFunctionSync({ ...config, inputs }, template)
}

/** A configuration's templates parsed off the HTTP thread before the synchronous compile (parseConfigAhead). */
export async function parseAhead(config: FunctionConfig): Promise<void> {
  try {
    await parseConfigAhead(config)
  } catch (error) {
    if (error instanceof ConfigError) throw validationError(error)
    throw error
  }
}

/** Create, read, update and soft-delete of hog functions, with PostHog's rules for secrets. */
export class FunctionsService {
  private readonly template = loadTemplate()

  constructor(private readonly store: FunctionStore) {}

  async create(projectId: number, body: unknown): Promise<StoredFunction> {
    if (!isRecord(body) || typeof body.template_id !== 'string') {
      throw validationError(new ConfigError('template_id', 'This field is required.'))
    }
    const config = asApiError(() => parseFunctionConfig(body))
    await parseAhead(config)
    return asApiError(() => {
      const { plain, secrets } = splitSecrets(config.inputs as Inputs, {}, this.template)
      validate(config, secrets, this.template)
      return this.store.insert({
        id: newId(),
        project_id: projectId,
        type: 'destination',
        name: config.name ?? this.template.name,
        description: config.description ?? '',
        enabled: config.enabled,
        deleted: false,
        template_id: config.template_id,
        inputs: plain,
        secrets,
        mappings: config.mappings ?? null,
        filters: config.filters ?? null,
      })
    })
  }

  get(projectId: number, id: string): StoredFunction {
    const fn = this.store.get(projectId, id)
    if (!fn || fn.deleted) throw notFound()
    return fn
  }

  async update(projectId: number, id: string, body: unknown): Promise<StoredFunction> {
    const existing = this.store.get(projectId, id)
    if (!existing) throw notFound()
    if (!isRecord(body)) throw validationError(new ConfigError('body', 'must be a JSON object'))
    // A deleted function can only be restored, as PostHog does with {"deleted": false}.
    if (existing.deleted && body.deleted !== false) throw notFound()
    if (body.type !== undefined && body.type !== existing.type) {
      throw validationError(new ConfigError('type', 'Cannot modify the type of an existing function.'))
    }
    const merged = {
      type: existing.type,
      template_id: existing.template_id,
      name: body.name ?? existing.name,
      description: body.description ?? existing.description,
      enabled: body.enabled ?? existing.enabled,
      inputs: body.inputs ?? existing.inputs,
      mappings: (body.mappings === undefined ? existing.mappings : body.mappings) ?? undefined,
      filters: (body.filters === undefined ? existing.filters : body.filters) ?? undefined,
    }
    const config = asApiError(() => parseFunctionConfig(merged))
    await parseAhead(config)
    const deleted = typeof body.deleted === 'boolean' ? body.deleted : existing.deleted
    return asApiError(() => {
      const { plain, secrets } = splitSecrets(config.inputs as Inputs, existing.secrets, this.template)
      validate(config, secrets, this.template)
      return this.store.update({
        ...existing,
        name: config.name ?? existing.name,
        description: config.description ?? '',
        enabled: config.enabled,
        deleted,
        inputs: plain,
        secrets,
        mappings: config.mappings ?? null,
        filters: config.filters ?? null,
      })
    })
  }

  remove(projectId: number, id: string): void {
    const existing = this.get(projectId, id)
    this.store.update({ ...existing, deleted: true })
  }

  /** The API shape: secrets shown as `{secret: true}`, never their value. */
  present(fn: StoredFunction): Record<string, unknown> {
    const inputs: Record<string, unknown> = { ...fn.inputs }
    for (const key of Object.keys(fn.secrets)) inputs[key] = { secret: true }
    const { id, name: templateName, description, icon_url, category } = this.template
    return {
      id: fn.id,
      type: fn.type,
      name: fn.name,
      description: fn.description,
      created_at: fn.created_at,
      created_by: null,
      updated_at: fn.updated_at,
      enabled: fn.enabled,
      deleted: fn.deleted,
      hog: '',
      bytecode: null,
      inputs_schema: this.template.inputs_schema,
      inputs,
      mappings: fn.mappings,
      filters: fn.filters,
      icon_url,
      template: { id, name: templateName, description, icon_url, category },
      status: { state: 1, tokens: 0 },
      execution_order: null,
    }
  }
}
