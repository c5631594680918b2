import { randomBytes, randomUUID } from 'node:crypto'
import { atomically, chunksOf } from './atomically'
import { dialectSql, type SqlConnection } from './connection'
import type { ClaimRequest, Delivery, DeliveryClaim, DeliveryUpdate, NewDelivery } from '../types'

const DELIVERY_COLUMNS = 'id, project_id, function_id, mapping, event_uuid, distinct_id, event_id, payload, status, attempts, next_attempt_at, first_seen_at, last_error'

/**
 * A delivery's columns as read from `deliveries` under the alias `d`. SQLite keeps the Pinterest event in
 * delivery_payloads (so that settling rewrites a small row, not a page-filling one); Postgres keeps it in
 * the row, where an update leaves a large value where it is (TOAST).
 */
export function deliveryColumns(db: Pick<SqlConnection, 'dialect'>): string {
  const payload = dialectSql(db, { sqlite: '(SELECT p.payload FROM delivery_payloads p WHERE p.delivery_id = d.id) AS payload', postgres: 'd.payload' })
  return DELIVERY_COLUMNS.split(', ')
    .map((c) => (c === 'payload' ? payload : `d.${c}`))
    .join(', ')
}

/** An outcome as stored: the failed list's reason code read from the core's words. */
export type StoredUpdate = DeliveryUpdate & { reason: string | null }

/** How one database takes, keeps, and settles deliveries: the SQL that differs between SQLite and Postgres. */
export interface DeliveryLeases {
  add(rows: NewDelivery[]): void
  claim(functionId: string, request: ClaimRequest): DeliveryClaim
  extend(claim: DeliveryClaim, untilMs: number): number
  release(claim: DeliveryClaim): void
  expire(nowMs: number): number
  /** How many rows were left as they were (their lease lost). */
  settle(updates: StoredUpdate[], nowMs: number, lease: string | undefined): number
}

/**
 * SQLite: one process, whose one sender thread never claims a row twice (a round's cursor moves past what it
 * took, and a round ends when its requests do), so a lease has nothing to guard and nothing is stored.
 */
export function processLeases(db: SqlConnection, dueFor: (functionId: string, request: ClaimRequest) => Delivery[]): DeliveryLeases {
  // Values by position, not by name: these run once per delivery, and binding by name looks up each key.
  const insert = db.prepare(
    `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, distinct_id, event_id, status, attempts, next_attempt_at, first_seen_at, updated_at, event_row_id, job_id, job_item)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?)`,
  )
  // Right after its delivery's insert, on the same connection: last_insert_rowid() is that delivery's id.
  const insertPayload = db.prepare('INSERT INTO delivery_payloads (delivery_id, payload) VALUES (last_insert_rowid(), ?)')
  const update = db.prepare('UPDATE deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, reason = ?, updated_at = ? WHERE id = ?')
  return {
    add: (rows) => {
      db.transaction(() => {
        for (const r of rows) {
          insert.run(
            r.project_id,
            r.function_id,
            r.mapping,
            r.event_uuid,
            r.distinct_id ?? null,
            r.event_id,
            r.next_attempt_at,
            r.first_seen_at,
            r.first_seen_at,
            r.event_row_id ?? null,
            r.job_id ?? null,
            r.job_item ?? null,
          )
          insertPayload.run(r.payload)
        }
      })
    },
    claim: (functionId, request) => ({ token: randomUUID(), rows: dueFor(functionId, request) }),
    extend: (claim) => claim.rows.length,
    release: () => {},
    expire: () => 0,
    settle: (updates, nowMs) =>
      db.transaction(() => {
        for (const u of updates) update.run(u.status, u.attempts, u.next_attempt_at, u.last_error, u.reason, nowMs, u.id)
        return 0
      }),
  }
}

/**
 * Postgres, several workers: a claim takes rows no live lease holds, skipping those another worker is taking
 * (FOR UPDATE SKIP LOCKED), and leases them in the same statement; a settle lands only on rows still under
 * its token. Each is one statement, whatever the number of rows.
 */
export function storedLeases(db: SqlConnection): DeliveryLeases {
  const insert = db.prepare(
    `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, distinct_id, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, event_row_id, job_id, job_item)
     SELECT r.project_id, r.function_id, r.mapping, r.event_uuid, r.distinct_id, r.event_id, r.payload, 'pending', 0, r.next_attempt_at, r.first_seen_at, r.first_seen_at, r.event_row_id, r.job_id, r.job_item
     FROM unnest(@projects::bigint[], @functions::text[], @mappings::text[], @uuids::text[], @distinctIds::text[], @eventIds::text[], @payloads::text[], @due::bigint[], @seen::bigint[], @rowIds::bigint[], @jobs::text[], @items::bigint[])
       AS r(project_id, function_id, mapping, event_uuid, distinct_id, event_id, payload, next_attempt_at, first_seen_at, event_row_id, job_id, job_item)`,
  )
  // A claim of less than a full batch waits while another worker has a live lease of the function out: the
  // deliveries due meanwhile go together once it is settled, rather than each worker sending its own small
  // batch at once. (A worker's own requests already take turns: a round sends one short batch per function.)
  // Leases are told apart by their token's first part, this store's. The ready rows are counted first, without
  // locking them, up to a batch; only a claim short of one looks for another's lease, among the due rows, which
  // are then its short batch and the rows under lease (the oldest, read first). A claim that waits locks nothing.
  const worker = randomBytes(6).toString('hex')
  const claimSql = (after: string) => {
    const ready = `status = 'pending' AND function_id = @functionId AND next_attempt_at <= @dueBy AND (lease_token IS NULL OR lease_until < @atMs) ${after}`
    return db.prepare(
      `WITH picked AS MATERIALIZED (
         SELECT id FROM deliveries
         WHERE ${ready}
           AND ((SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE ${ready} ORDER BY next_attempt_at, id LIMIT @limit) r) >= @limit
             OR (SELECT id FROM deliveries WHERE status = 'pending' AND function_id = @functionId AND next_attempt_at <= @dueBy AND lease_token NOT LIKE @mine AND lease_until >= @atMs
                 ORDER BY next_attempt_at, id LIMIT 1) IS NULL)
         ORDER BY next_attempt_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d SET lease_token = @token, lease_until = @until FROM picked WHERE d.id = picked.id
       RETURNING ${deliveryColumns(db)}`,
    )
  }
  const claimFirst = claimSql('')
  const claimAfter = claimSql('AND (next_attempt_at, id) > (@at, @id)')
  const extend = db.prepare('UPDATE deliveries SET lease_until = @until WHERE id = ANY(@ids::bigint[]) AND lease_token = @token')
  const release = db.prepare('UPDATE deliveries SET lease_token = NULL, lease_until = NULL WHERE id = ANY(@ids::bigint[]) AND lease_token = @token')
  // Only pending rows are ever leased: found through the pending partial indexes, none on the lease columns
  // (an index on them would make every claim a non-HOT update).
  const expire = db.prepare("UPDATE deliveries SET lease_token = NULL, lease_until = NULL WHERE status = 'pending' AND lease_token IS NOT NULL AND lease_until < ?")
  const settle = db.prepare(
    `UPDATE deliveries d SET status = u.status, attempts = u.attempts, next_attempt_at = u.next_attempt_at, last_error = u.last_error, reason = u.reason,
       updated_at = @now, lease_token = NULL, lease_until = NULL
     FROM unnest(@ids::bigint[], @statuses::text[], @attempts::integer[], @due::bigint[], @errors::text[], @reasons::text[]) AS u(id, status, attempts, next_attempt_at, last_error, reason)
     WHERE d.id = u.id AND (CAST(@token AS text) IS NULL OR d.lease_token = @token)`,
  )
  return {
    add: (rows) =>
      atomically(db, chunksOf(rows), (chunk) =>
        insert.run({
          projects: chunk.map((r) => r.project_id),
          functions: chunk.map((r) => r.function_id),
          mappings: chunk.map((r) => r.mapping),
          uuids: chunk.map((r) => r.event_uuid),
          distinctIds: chunk.map((r) => r.distinct_id ?? null),
          eventIds: chunk.map((r) => r.event_id),
          payloads: chunk.map((r) => r.payload),
          due: chunk.map((r) => r.next_attempt_at),
          seen: chunk.map((r) => r.first_seen_at),
          rowIds: chunk.map((r) => r.event_row_id ?? null),
          jobs: chunk.map((r) => r.job_id ?? null),
          items: chunk.map((r) => r.job_item ?? null),
        }),
      ),
    claim: (functionId, request) => {
      const token = `${worker}:${randomUUID()}`
      const params = { functionId, dueBy: request.dueBy, atMs: request.atMs, limit: request.limit, token, mine: `${worker}:%`, until: request.atMs + request.leaseMs }
      const rows = (request.after ? claimAfter.all({ ...params, at: request.after.next_attempt_at, id: request.after.id }) : claimFirst.all(params)) as Delivery[]
      // RETURNING keeps no order: the oldest due first, as the batch is sent.
      rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id)
      return { token, rows }
    },
    extend: (claim, untilMs) => (claim.rows.length === 0 ? 0 : extend.run({ until: untilMs, ids: claim.rows.map((r) => r.id), token: claim.token }).changes),
    release: (claim) => {
      if (claim.rows.length > 0) release.run({ ids: claim.rows.map((r) => r.id), token: claim.token })
    },
    expire: (nowMs) => expire.run(nowMs).changes,
    settle: (updates, nowMs, lease) => {
      let changed = 0
      atomically(db, chunksOf(updates), (chunk) => {
        changed += settle.run({
          now: nowMs,
          token: lease ?? null,
          ids: chunk.map((u) => u.id),
          statuses: chunk.map((u) => u.status),
          attempts: chunk.map((u) => u.attempts),
          due: chunk.map((u) => u.next_attempt_at),
          errors: chunk.map((u) => u.last_error),
          reasons: chunk.map((u) => u.reason),
        }).changes
      })
      return updates.length - changed
    },
  }
}
