import { PgError, SyncPgConnection } from '../../../src/store/postgres/sync-connection'
import { dropPostgresDatabase, freshPostgresDatabase } from '../../helpers/postgres'

let url: string
let db: SyncPgConnection
/** Another client of the same database: it reads what db committed, and ends db's backend. */
let other: SyncPgConnection

// One pair for the file: each connection is a thread to start.
beforeAll(async () => {
  url = await freshPostgresDatabase()
  db = new SyncPgConnection(url)
  other = new SyncPgConnection(url)
})

afterAll(async () => {
  db.close()
  other.close()
  await dropPostgresDatabase(url)
})

beforeEach(() => other.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (id integer PRIMARY KEY, note text)'))

const committed = () => other.prepare('SELECT id FROM t ORDER BY id').pluck().all()
const backend = (connection: SyncPgConnection) => connection.prepare('SELECT pg_backend_pid() AS pid').pluck().get() as number
/** Ends the backend of `connection` and waits (up to 5 s) until it is gone. */
const terminate = (pid: number) => expect(other.prepare('SELECT pg_terminate_backend(?, 5000)').pluck().get(pid)).toBe(true)

function thrown(fn: () => unknown): PgError {
  try {
    fn()
  } catch (error) {
    if (error instanceof PgError) return error
    throw error
  }
  throw new Error('expected a PgError')
}

describe('the synchronous Postgres connection', () => {
  it("gives a failing statement's SQLSTATE and stays usable", () => {
    const insert = db.prepare('INSERT INTO t (id, note) VALUES (?, ?)')
    insert.run(1, 'a')
    const duplicate = thrown(() => insert.run(1, 'b'))
    expect([duplicate.code, duplicate.lost]).toEqual(['23505', false])
    expect(duplicate.message).toMatch(/^duplicate key value violates unique constraint "t_pkey" \(in: INSERT INTO t/)
    expect(thrown(() => db.exec('SELEC 1')).code).toBe('42601')
    expect(thrown(() => db.prepare('SELECT * FROM missing').all()).code).toBe('42P01')
    insert.run(2, 'c')
    expect(db.prepare('SELECT id, note FROM t ORDER BY id').all()).toEqual([
      { id: 1, note: 'a' },
      { id: 2, note: 'c' },
    ])
  })

  it('keeps nothing of a transaction that throws, whether its code or a statement failed', () => {
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (id) VALUES (1)').run()
        throw new Error('changed my mind')
      }),
    ).toThrow('changed my mind')
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (id) VALUES (2)').run()
        db.prepare('INSERT INTO t (id) VALUES (2)').run()
      }),
    ).toThrow(/duplicate key/)
    expect(committed()).toEqual([])
    db.transaction(() => db.prepare('INSERT INTO t (id) VALUES (3)').run())
    expect(committed()).toEqual([3])
  })

  it('rolls a nested transaction back alone, as a savepoint, and commits the rest', () => {
    db.transaction(() => {
      db.prepare('INSERT INTO t (id) VALUES (1)').run()
      expect(() =>
        db.transaction(() => {
          db.prepare('INSERT INTO t (id) VALUES (2)').run()
          db.prepare('INSERT INTO t (id) VALUES (1)').run()
        }),
      ).toThrow(/duplicate key/)
      // The savepoint's rollback leaves the outer transaction usable.
      db.transaction(() => db.prepare('INSERT INTO t (id) VALUES (4)').run())
      expect(committed()).toEqual([])
    })
    expect(committed()).toEqual([1, 4])
  })

  it('reconnects after its backend was terminated: the next statement fails as lost or runs on a new connection', () => {
    const first = backend(db)
    terminate(first)
    let next: number | undefined
    try {
      next = backend(db)
    } catch (error) {
      expect(error).toBeInstanceOf(PgError)
      expect((error as PgError).lost).toBe(true)
    }
    const after = backend(db)
    if (next !== undefined) expect(next).toBe(after)
    expect(after).not.toBe(first)
    db.prepare('INSERT INTO t (id) VALUES (1)').run()
    expect(committed()).toEqual([1])
  })

  it('never half-commits a transaction whose connection is lost: neither the statements after it nor its COMMIT run on the new connection', () => {
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (id) VALUES (1)').run()
        terminate(backend(db))
        db.prepare('INSERT INTO t (id) VALUES (2)').run()
      }),
    ).toThrow(PgError)
    expect(committed()).toEqual([])
    // Lost between the last statement and the COMMIT: the COMMIT fails, it does not report success.
    const lost = thrown(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (id) VALUES (3)').run()
        terminate(backend(db))
      }),
    )
    expect(lost.lost).toBe(true)
    expect(committed()).toEqual([])
    db.transaction(() => db.prepare('INSERT INTO t (id) VALUES (5)').run())
    expect(committed()).toEqual([5])
  })

  it('replaces a thread that does not answer in time: the next statement runs on a fresh one, and a transaction begun on the old one commits nothing', () => {
    // 1.5 s: long enough that a busy machine's pause does not time out the statements that should answer.
    const slow = new SyncPgConnection(url, { answerTimeoutMs: 1500 })
    try {
      const stalled = thrown(() => slow.exec('SELECT pg_sleep(6)'))
      expect([stalled.message, stalled.lost]).toEqual(['Postgres did not answer within 1.5 s', true])
      expect(slow.prepare('SELECT 41 + 1 AS n').pluck().get()).toBe(42)
      const lost = thrown(() =>
        slow.transaction(() => {
          slow.prepare('INSERT INTO t (id) VALUES (1)').run()
          slow.exec('SELECT pg_sleep(6)')
        }),
      )
      expect(lost.lost).toBe(true)
      // The first insert ran on the replaced thread's connection, whose transaction never committed.
      expect(committed()).toEqual([])
      slow.transaction(() => slow.prepare('INSERT INTO t (id) VALUES (2)').run())
      expect(committed()).toEqual([2])
    } finally {
      slow.close()
    }
  })
})
