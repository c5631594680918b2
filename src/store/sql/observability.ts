import type { SqlConnection, SqlStatement } from './connection'
import { containsPattern, likeAnyCase } from './portable'
import { PRUNE_CHUNK } from '../types'
import type { LogEntry, LogQuery, LogStore, MetricStore } from '../types'

const PERSON_IDS = `SELECT other.distinct_id FROM person_distinct_ids given
  JOIN person_distinct_ids other ON other.project_id = given.project_id AND other.person_id = given.person_id
  WHERE given.project_id = @projectId AND given.distinct_id = @exact`

export class SqlLogStore implements LogStore {
  private readonly insert: SqlStatement

  constructor(private readonly db: SqlConnection) {
    this.insert = db.prepare(
      'INSERT INTO logs (project_id, function_id, timestamp, level, message, instance_id, distinct_id) VALUES (@project_id, @function_id, @timestamp, @level, @message, @instance_id, @distinct_id)',
    )
  }

  add(entries: LogEntry[]): void {
    if (entries.length === 0) return
    this.db.transaction(() => {
      for (const entry of entries) this.insert.run({ ...entry, distinct_id: entry.distinct_id ?? null })
    })
  }

  list(projectId: number, functionId: string, query: LogQuery): LogEntry[] {
    const where = ['project_id = @projectId', 'function_id = @functionId']
    const params: Record<string, unknown> = { projectId, functionId, limit: query.limit }
    if (query.level && query.level.length > 0) {
      where.push(`level IN (${query.level.map((_, i) => `@level${i}`).join(', ')})`)
      query.level.forEach((level, i) => (params[`level${i}`] = level))
    }
    if (query.search) {
      // An event uuid or a distinct id matches exactly; a distinct id also finds the lines of the person's other ids.
      where.push(`(message ${likeAnyCase(this.db)} @search ESCAPE '\\' OR instance_id = @exact OR distinct_id = @exact OR distinct_id IN (${PERSON_IDS}))`)
      params.search = containsPattern(query.search)
      params.exact = query.search
    }
    if (query.after) {
      where.push('timestamp > @after')
      params.after = query.after
    }
    if (query.before) {
      where.push('timestamp < @before')
      params.before = query.before
    }
    return this.db
      .prepare(`SELECT project_id, function_id, timestamp, level, message, instance_id, distinct_id FROM logs WHERE ${where.join(' AND ')} ORDER BY timestamp DESC, id DESC LIMIT @limit`)
      .all(params) as LogEntry[]
  }

  prune(beforeIso: string): number {
    return this.db.prepare(`DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE timestamp < ? LIMIT ${PRUNE_CHUNK})`).run(beforeIso).changes
  }
}

export class SqlMetricStore implements MetricStore {
  private readonly upsert: SqlStatement

  constructor(private readonly db: SqlConnection) {
    this.upsert = db.prepare(
      `INSERT INTO metrics (project_id, function_id, name, hour, count) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(function_id, name, hour) DO UPDATE SET count = metrics.count + excluded.count`,
    )
  }

  increment(projectId: number, functionId: string, name: string, count: number, atMs: number): void {
    if (count > 0) this.upsert.run(projectId, functionId, name, hourOf(atMs), count)
  }

  series(projectId: number, functionId: string, afterIso: string, beforeIso: string): { hour: string; name: string; count: number }[] {
    return this.db
      .prepare('SELECT hour, name, count FROM metrics WHERE project_id = ? AND function_id = ? AND hour >= ? AND hour < ? ORDER BY hour, name')
      .all(projectId, functionId, hourOf(Date.parse(afterIso)), beforeIso) as { hour: string; name: string; count: number }[]
  }
}

/** The start of the UTC hour, as ISO text: metrics are kept in hourly buckets. */
export function hourOf(ms: number): string {
  const date = new Date(ms)
  date.setUTCMinutes(0, 0, 0)
  return date.toISOString()
}
