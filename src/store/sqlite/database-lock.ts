import Database from 'better-sqlite3'
import { hostname } from 'node:os'
import { chmodSync } from 'node:fs'
import { basename } from 'node:path'
import { OperatorError } from '../../errors'
import { hideUrlCredentials } from '../../secret'
import { ensureFolderOf, PRIVATE_FILE_MODE } from '../private-files'

/** Who holds a database: enough for an operator to find the process. */
export interface LockHolder {
  pid: number
  host: string
  command: string
  started_at: string
}

export interface DatabaseLock {
  release(): void
}

export class DatabaseInUseError extends OperatorError {
  constructor(
    readonly dbPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(`the database ${dbPath} is in use by ${describeHolder(holder)}: stop that server first, or give this one another --db`)
    this.name = 'DatabaseInUseError'
  }
}

function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process'
  const where = holder.host === hostname() ? '' : ` on host ${holder.host}`
  return `process ${holder.pid}${where} (${holder.command}, started ${holder.started_at})`
}

export const lockFilePath = (dbPath: string): string => `${dbPath}.lock`

/** How this process was started, as an operator would have typed it (an --api-url's credentials taken out). */
function commandLine(): string {
  const script = process.argv[1] ?? ''
  const name = /cli[\\/]main\.[jt]s$/.test(script) ? 'pinterest-capi' : basename(script)
  return hideUrlCredentials([name, ...process.argv.slice(2)].join(' '))
}

const thisProcess = (): LockHolder => ({ pid: process.pid, host: hostname(), command: commandLine(), started_at: new Date().toISOString() })

/**
 * Makes this process the only server of the database at `dbPath`, or throws DatabaseInUseError naming the
 * holder. The lock is SQLite's own write lock on a small side database (`<db>.lock`), held for as long as
 * the server runs: the operating system drops it when the process ends in any way (kill -9 included), so
 * it never goes stale. A write lock still lets others read, so whoever is refused reads the holder's row.
 * The lock file is never deleted: a process waiting on a deleted file would lock a file no one else sees.
 */
export function lockDatabase(dbPath: string, holder: LockHolder = thisProcess()): DatabaseLock {
  const path = lockFilePath(dbPath)
  ensureFolderOf(path)
  // timeout 0: a held lock is refused at once rather than waited for.
  const db = new Database(path, { timeout: 0 })
  try {
    chmodSync(path, PRIVATE_FILE_MODE)
    if (!tryWriteLock(db)) throw new DatabaseInUseError(dbPath, readHolder(db))
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, command TEXT NOT NULL, started_at TEXT NOT NULL)')
    db.exec('DELETE FROM holder')
    db.prepare('INSERT INTO holder (pid, host, command, started_at) VALUES (@pid, @host, @command, @started_at)').run(holder)
    commit(db)
    // The row is visible from here; another process may have taken the lock in the moment between: then it is theirs.
    if (!tryWriteLock(db)) throw new DatabaseInUseError(dbPath, readHolder(db))
  } catch (error) {
    db.close()
    throw error
  }
  return {
    release: () => {
      if (!db.open) return
      if (db.inTransaction) db.exec('ROLLBACK')
      db.close()
    },
  }
}

function tryWriteLock(db: Database.Database): boolean {
  try {
    db.exec('BEGIN IMMEDIATE')
    return true
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false
    throw error
  }
}

/** Committing needs readers gone for a moment; a refused process reading the holder row is such a reader. */
function commit(db: Database.Database): void {
  for (let attempt = 0; ; attempt++) {
    try {
      db.exec('COMMIT')
      return
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt === 50) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
    }
  }
}

function readHolder(db: Database.Database): LockHolder | undefined {
  try {
    return db.prepare('SELECT pid, host, command, started_at FROM holder').get() as LockHolder | undefined
  } catch {
    // The holder has not written its row yet (a first start a moment ago).
    return undefined
  }
}
