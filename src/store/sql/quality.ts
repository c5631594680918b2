import type { SqlConnection, SqlStatement } from './connection'
import type { MatchCount, QualityStore } from '../types'
import { hourOf } from './observability'

const SUMMED = 'SELECT function_id, mapping, keys, skip, SUM(count) AS count FROM match_quality'
const GROUPED = 'GROUP BY function_id, mapping, keys, skip ORDER BY function_id, mapping, keys, skip'

export class SqlQualityStore implements QualityStore {
  private readonly upsert: SqlStatement
  private readonly ofFunction: SqlStatement
  private readonly ofProject: SqlStatement

  constructor(db: SqlConnection) {
    this.upsert = db.prepare(
      `INSERT INTO match_quality (project_id, function_id, mapping, hour, keys, skip, count) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(function_id, hour, mapping, keys, skip) DO UPDATE SET count = match_quality.count + excluded.count`,
    )
    this.ofFunction = db.prepare(`${SUMMED} WHERE project_id = ? AND function_id = ? AND hour >= ? AND hour < ? ${GROUPED}`)
    this.ofProject = db.prepare(`${SUMMED} WHERE project_id = ? AND hour >= ? AND hour < ? ${GROUPED}`)
  }

  add(projectId: number, counts: MatchCount[], atMs: number): void {
    const hour = hourOf(atMs)
    for (const c of counts) if (c.count > 0) this.upsert.run(projectId, c.function_id, c.mapping, hour, c.keys, c.skip, c.count)
  }

  sum(projectId: number, afterIso: string, beforeIso: string, functionId?: string): MatchCount[] {
    // As the metrics: the bucket holding `after` counts, buckets starting at or after `before` do not.
    const after = hourOf(Date.parse(afterIso))
    const rows = functionId === undefined ? this.ofProject.all(projectId, after, beforeIso) : this.ofFunction.all(projectId, functionId, after, beforeIso)
    return rows as MatchCount[]
  }
}
