/** One field's change in a version (PostHog's activity-log `detail.changes` entry). */
export interface VersionChange {
  field: string
  action: string
  before: unknown
  after: unknown
}

/** One version of a function as `GET hog_functions/:id/activity/` lists it. */
export interface FunctionVersion {
  id: string
  version: number
  user: { first_name: string } | null
  is_system: boolean
  activity: string
  detail: { changes: VersionChange[] | null }
  created_at: string
}

export interface VersionPage {
  results: FunctionVersion[]
  next: string | null
}

/** The API shows a secret as `{"secret": true}` on both sides of its change: the page says only "changed". */
export const isSecretShown = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && (value as { secret?: unknown }).secret === true

/** One side of a change as text: absent as "(none)", empty as "(empty)", strings as they are, other values as pretty JSON. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '(none)'
  if (value === '') return '(empty)'
  if (typeof value === 'string') return value
  return JSON.stringify(value, null, 2)
}

export type ChangeShown = { field: string; secret: true } | { field: string; secret: false; before: string; after: string }

/** A change as the History tab shows it: a secret's without either side, any other's both sides as text. */
export function showChange(change: VersionChange): ChangeShown {
  if (isSecretShown(change.before) || isSecretShown(change.after)) return { field: change.field, secret: true }
  return { field: change.field, secret: false, before: valueText(change.before), after: valueText(change.after) }
}

/** Who made a version: the key's label (the CLI has its own), else whether the system or an unnamed key did. */
export const authorOf = (version: FunctionVersion): string => version.user?.first_name || (version.is_system ? 'the system' : 'an unnamed key')

const LONG_LINES = 8

/** A change too long to show open (a whole mapping, say): the tab folds it behind a disclosure. */
export const isLong = (shown: ChangeShown): boolean => !shown.secret && Math.max(shown.before.split('\n').length, shown.after.split('\n').length) > LONG_LINES
