import { type FunctionChange, type FunctionState, SECRET_SHOWN, type VersionActivity } from './types'

const FIELDS = ['name', 'description', 'enabled', 'deleted'] as const

/** Equality of JSON values: key order and object prototypes do not count. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false
  const aKeys = Object.keys(a)
  const bRecord = b as Record<string, unknown>
  return aKeys.length === Object.keys(b).length && aKeys.every((key) => Object.hasOwn(b, key) && sameJson((a as Record<string, unknown>)[key], bRecord[key]))
}

/** One change in PostHog's shape; null stands for absent on either side. */
function change(field: string, before: unknown, after: unknown): FunctionChange | undefined {
  if (sameJson(before, after)) return undefined
  const action = before === null ? 'created' : after === null ? 'deleted' : 'changed'
  return { type: 'HogFunction', action, field, before, after }
}

/** Every input's value by key, secrets as SECRET_SHOWN: the diff never holds a secret. */
function shownInputs(state: FunctionState | null): Map<string, unknown> {
  const shown = new Map<string, unknown>()
  for (const [key, entry] of Object.entries(state?.inputs ?? {})) shown.set(key, entry.value ?? null)
  for (const key of Object.keys(state?.secrets ?? {})) shown.set(key, SECRET_SHOWN)
  return shown
}

/** A secret whose value changed differs although both sides show SECRET_SHOWN. */
function inputChange(key: string, before: FunctionState | null, after: FunctionState, shownBefore: unknown, shownAfter: unknown) {
  const secretChanged = shownBefore === SECRET_SHOWN && shownAfter === SECRET_SHOWN && before?.secrets[key] !== after.secrets[key]
  if (secretChanged) return { type: 'HogFunction', action: 'changed', field: `inputs.${key}`, before: SECRET_SHOWN, after: SECRET_SHOWN } as const
  return change(`inputs.${key}`, shownBefore, shownAfter)
}

/** Each mapping by its name (`name#2` for a second mapping of one name), in order. */
function mappingsByName(mappings: unknown[] | null | undefined): Map<string, unknown> {
  const byName = new Map<string, unknown>()
  for (const [i, mapping] of (mappings ?? []).entries()) {
    const name = typeof (mapping as { name?: unknown })?.name === 'string' ? (mapping as { name: string }).name : `#${i + 1}`
    let key = name
    for (let n = 2; byName.has(key); n++) key = `${name}#${n}`
    byName.set(key, mapping)
  }
  return byName
}

/**
 * Mappings change one by one (`mappings.<name>`), so that one edited mapping does not repeat all of them;
 * when only their order changed, `mappings` lists the names before and after.
 */
function mappingChanges(before: FunctionState | null, after: FunctionState): (FunctionChange | undefined)[] {
  if (before === null || before.mappings === null || after.mappings === null) return [change('mappings', before?.mappings ?? null, after.mappings ?? null)]
  const old = mappingsByName(before.mappings)
  const now = mappingsByName(after.mappings)
  const changes = [...new Set([...old.keys(), ...now.keys()])].map((name) => change(`mappings.${name}`, old.get(name) ?? null, now.get(name) ?? null))
  const oldOrder = [...old.keys()].filter((name) => now.has(name))
  const newOrder = [...now.keys()].filter((name) => old.has(name))
  if (!sameJson(oldOrder, newOrder)) changes.push(change('mappings', oldOrder, newOrder))
  return changes
}

/**
 * The field-by-field changes from `before` (null: the function is new) to `after`: name, description,
 * enabled, deleted, each input by key (sorted), each mapping by name (all at once when the function is new),
 * filters.
 */
export function functionChanges(before: FunctionState | null, after: FunctionState): FunctionChange[] {
  const changes: (FunctionChange | undefined)[] = FIELDS.map((field) => change(field, before === null ? null : before[field], after[field]))
  const shownBefore = shownInputs(before)
  const shownAfter = shownInputs(after)
  const keys = [...new Set([...shownBefore.keys(), ...shownAfter.keys()])].sort()
  for (const key of keys) changes.push(inputChange(key, before, after, shownBefore.get(key) ?? null, shownAfter.get(key) ?? null))
  changes.push(...mappingChanges(before, after))
  changes.push(change('filters', before?.filters ?? null, after.filters ?? null))
  return changes.filter((c): c is FunctionChange => c !== undefined)
}

/** What a change did, in the activity log's words. */
export function activityOf(before: FunctionState | null, after: FunctionState): VersionActivity {
  if (before === null) return 'created'
  return !before.deleted && after.deleted ? 'deleted' : 'updated'
}
