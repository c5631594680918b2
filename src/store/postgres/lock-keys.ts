/**
 * Every advisory lock key of one database's processes: fixed numbers, the same in every process and every
 * version, since a rolling upgrade runs old and new processes side by side.
 */
export const LOCK_KEYS = {
  /** Held for the migration's transaction: processes starting at once take turns. */
  migration: 7_402_913,
  /** Creating project 1 and its keys, and making stored mappings explicit, once per database. */
  bootstrap: 7_402_914,
  /** The alerts' round, in one worker at a time. */
  alerts: 7_402_915,
  /**
   * The first key of the two-key locks by which a worker holds a project's events (the second is the project's
   * id). Postgres keeps one-key and two-key locks apart, so it shares its number with `bootstrap` harmlessly.
   */
  projectEvents: 7_402_914,
} as const
