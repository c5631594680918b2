import { ConfigError } from '../errors'
import { compileFunctionSync, parseConfigAhead } from '../mapping/compile-function'
import type { Actor, ChangeContext, FunctionStore, StoredFunction } from '../store/types'
import { newId } from '../store/tokens'
import { parseFunctionConfig } from '../template/function-config'
import type { FunctionConfig } from '../template/function-config-schema'
import { defaultMappings, loadTemplate } from '../template/load'
import type { Template } from '../template/schema'
import { asApiError, notFound, validationError } from './errors'
import { type FunctionStatus, HEALTHY } from './function-status'
import { withStoredSecrets } from './stored-config'
import { isRecord } from '../json'

/**
 * Splits a validated configuration's inputs into the ones stored and returned as they are, and the
 * secret values, stored sealed and never returned.
 */
function splitSecrets(inputs: FunctionConfig['inputs'], template: Template) {
  const plain: Record<string, { value: unknown }> = {}
  const secrets: Record<string, string> = {}
  const secret = new Set(template.inputs_schema.filter((item) => item.secret).map((item) => item.key))
  for (const [key, entry] of Object.entries(inputs)) {
    if (entry.value === undefined) continue
    if (secret.has(key)) secrets[key] = entry.value as string
    else plain[key] = { value: entry.value }
  }
  return { plain, secrets }
}

/**
 * Checks a configuration the way the worker will run it (every input checked, every template parsed and
 * compiled), with the template's default mappings when it has none: what is stored is what runs.
 */
async function checked(raw: Record<string, unknown>, template: Template): Promise<FunctionConfig> {
  const withMappings = { ...raw, mappings: raw.mappings ?? defaultMappings(template) }
  const config = asApiError(() => parseFunctionConfig(withMappings, template))
  await parseAhead(config)
  asApiError(() => compileFunctionSync(config, template))
  return config
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

/**
 * Functions saved before mappings were stored explicitly have `mappings: null`, which ran the default
 * mappings: they are given those mappings, so that GET shows what runs and nothing they send changes.
 * Run when the server opens its database; returns how many functions were changed.
 */
export function makeMappingsExplicit(store: FunctionStore, template: Template = loadTemplate()): number {
  return store.fillMissingMappings(defaultMappings(template))
}

/** Create, read, update and soft-delete of hog functions, with PostHog's rules for secrets. */
export class FunctionsService {
  private readonly template = loadTemplate()

  constructor(
    private readonly store: FunctionStore,
    private readonly status: (fn: StoredFunction) => FunctionStatus = () => HEALTHY,
  ) {}

  async create(projectId: number, body: unknown, actor: Actor): Promise<StoredFunction> {
    if (!isRecord(body) || typeof body.template_id !== 'string') {
      throw validationError(new ConfigError('template_id', 'This field is required.'))
    }
    const config = await checked(body, this.template)
    const { plain, secrets } = splitSecrets(config.inputs, this.template)
    return this.store.insert(
      {
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
        mappings: config.mappings ?? [],
        filters: config.filters ?? null,
      },
      { actor },
    )
  }

  get(projectId: number, id: string): StoredFunction {
    const fn = this.store.get(projectId, id)
    if (!fn || fn.deleted) throw notFound()
    return fn
  }

  async update(projectId: number, id: string, body: unknown, actor: Actor): Promise<StoredFunction> {
    const existing = this.store.get(projectId, id)
    if (!existing) throw notFound()
    if (!isRecord(body)) throw validationError(new ConfigError('body', 'must be a JSON object'))
    // A deleted function can only be restored, as PostHog does with {"deleted": false}.
    if (existing.deleted && body.deleted !== false) throw notFound()
    if (body.type !== undefined && body.type !== existing.type) {
      throw validationError(new ConfigError('type', 'Cannot modify the type of an existing function.'))
    }
    // As in PostHog, PATCH replaces each field it sends; `mappings: null` gives the default mappings back.
    const inputs = body.inputs ?? existing.inputs
    const merged = {
      type: existing.type,
      template_id: existing.template_id,
      name: body.name ?? existing.name,
      description: body.description ?? existing.description,
      enabled: body.enabled ?? existing.enabled,
      inputs: isRecord(inputs) ? withStoredSecrets(inputs, existing.secrets) : inputs,
      mappings: body.mappings === undefined ? existing.mappings : body.mappings,
      filters: (body.filters === undefined ? existing.filters : body.filters) ?? undefined,
    }
    const deleted = typeof body.deleted === 'boolean' ? body.deleted : existing.deleted
    return this.save(existing, merged, deleted, { actor })
  }

  /**
   * Saves the state of one of the function's versions again, as a new version: its name, description,
   * enabled, inputs with their secret values, mappings and filters, checked as a PATCH is.
   */
  async revert(projectId: number, id: string, versionId: string, actor: Actor): Promise<StoredFunction> {
    const existing = this.get(projectId, id)
    const version = this.store.version(projectId, id, versionId)
    if (!version) throw notFound('No version of this function has this version_id.', 'version_id')
    const { state } = version
    const config = {
      type: existing.type,
      template_id: existing.template_id,
      name: state.name,
      description: state.description,
      enabled: state.enabled,
      inputs: { ...state.inputs, ...Object.fromEntries(Object.entries(state.secrets).map(([key, value]) => [key, { value }])) },
      mappings: state.mappings,
      filters: state.filters ?? undefined,
    }
    return this.save(existing, config, existing.deleted, { actor, revertedFrom: { id: version.id, version: version.version } })
  }

  private async save(existing: StoredFunction, merged: Record<string, unknown>, deleted: boolean, context: ChangeContext): Promise<StoredFunction> {
    const config = await checked(merged, this.template)
    const { plain, secrets } = splitSecrets(config.inputs, this.template)
    return this.store.update(
      {
        ...existing,
        name: config.name ?? existing.name,
        description: config.description ?? '',
        enabled: config.enabled,
        deleted,
        inputs: plain,
        secrets,
        mappings: config.mappings ?? [],
        filters: config.filters ?? null,
      },
      context,
    )
  }

  remove(projectId: number, id: string, actor: Actor): void {
    const existing = this.get(projectId, id)
    this.store.update({ ...existing, deleted: true }, { actor })
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
      status: this.status(fn),
      execution_order: null,
    }
  }
}
