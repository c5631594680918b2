import fs from 'node:fs'

/**
 * 10 GB, well short of a small disk. What a server holds follows its rate: about 1.6 KB per stored event, kept
 * 7 days and 6 hours for backfills, and 1.2 KB per delivery, kept 7 days (README: about 500,000 events a day
 * through one destination fit; a busier server sets --max-db-size).
 */
export const DEFAULT_MAX_DB_BYTES = 10_000_000_000
const CHECK_EVERY_MS = 1000
const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 }

/** `10GB`, `500MiB`, `2000000` (bytes); `0` or `off` is 0, no limit. Undefined when it is none of these. */
export function parseByteSize(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === 'off' || trimmed === '0') return 0
  const match = /^(\d{1,16}(?:\.\d{1,6})?)\s*([kmgt]i?b|b)?$/.exec(trimmed)
  if (!match) return undefined
  const bytes = Math.floor(Number(match[1]) * UNITS[match[2] ?? ''])
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined
}

/**
 * Whether the database has reached its size limit. Looked up at most once a second (two stats and the
 * 100-byte header), so capture can ask on every request. Pages SQLite has freed count as room: they are
 * reused before the file grows, so capture resumes once pruning has made space.
 */
export class DbSizeLimit {
  private checkedAt = -Infinity
  private atLimit = false

  constructor(
    private readonly dbPath: string,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  reached(): boolean {
    const now = this.now()
    if (now - this.checkedAt >= CHECK_EVERY_MS) {
      this.checkedAt = now
      this.atLimit = usedBytes(this.dbPath) >= this.maxBytes
    }
    return this.atLimit
  }
}

function usedBytes(dbPath: string): number {
  return Math.max(0, fileSize(dbPath) - freeBytes(dbPath)) + fileSize(`${dbPath}-wal`)
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size
  } catch {
    return 0
  }
}

// SQLite's file header: page size at offset 16 (1 stands for 65536), free-list page count at offset 36.
// The header in the main file can trail the WAL by a checkpoint; the WAL is counted in full meanwhile.
function freeBytes(dbPath: string): number {
  const header = Buffer.alloc(100)
  let fd: number | undefined
  try {
    fd = fs.openSync(dbPath, 'r')
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return 0
  } catch {
    return 0
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
  const pageSize = header.readUInt16BE(16) === 1 ? 65_536 : header.readUInt16BE(16)
  return header.readUInt32BE(36) * pageSize
}
