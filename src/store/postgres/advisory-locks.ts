import { SyncPgConnection } from './sync-connection'

/**
 * Session advisory locks on a connection of their own, for what only one process of a cluster may do at a
 * time. A lock lives as long as the connection: a process that dies or loses it lets another take over.
 */
export class AdvisoryLocks {
  private readonly db: SyncPgConnection

  constructor(url: string, applicationName?: string) {
    this.db = new SyncPgConnection(url, { applicationName })
  }

  /** Runs `fn` holding the lock, waiting for it first: processes doing the same run one after another. */
  exclusively<T>(key: number, fn: () => T): T {
    this.db.prepare('SELECT pg_advisory_lock(?)').get(key)
    try {
      return fn()
    } finally {
      this.release(key)
    }
  }

  /** Takes the lock if no other process holds it; each true is paired with a `release`. */
  tryTake(key: number): boolean {
    return (this.db.prepare('SELECT pg_try_advisory_lock(?) AS held').get(key) as { held: boolean }).held === true
  }

  release(key: number): void {
    try {
      this.db.prepare('SELECT pg_advisory_unlock(?)').get(key)
    } catch {
      // A lost connection released its locks with it.
    }
  }

  close(): void {
    this.db.close()
  }
}
