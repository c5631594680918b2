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
  /**
   * Taken, for its transaction, alone by `secrets rotate-key` and shared by every open's sealing of the stored
   * secrets: a process that starts during a rotation reads the secrets once it is over, sealed with the new key.
   */
  secretKeys: 7_402_916,
} as const
