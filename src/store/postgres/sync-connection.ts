import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { workerScript } from '../../worker-script'
import type { SqlConnection, SqlStatement } from '../sql/connection'
import { type NumberedSql, numberPlaceholders, type SqlParams, valuesFor } from './placeholders'
import type { PgReply, PgRequest } from './sync-connection-thread'

const ENTRY = workerScript(__filename, 'sync-connection-thread')
/** Past the server's statement_timeout (60 s) and connect timeout: only a thread that hangs gets here. */
const ANSWER_TIMEOUT_MS = 120_000

/** A Postgres error as the stores see it: SQLSTATE `code` (23505 for a unique violation), the connection's when `lost`. */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly lost: boolean,
  ) {
    super(message)
    this.name = 'PgError'
  }
}

/**
 * One Postgres connection, used synchronously: each statement goes to a thread that owns the connection
 * (node-postgres is asynchronous), and the caller waits for the answer on a shared flag. The stores keep
 * their synchronous contract, so a store call never interleaves with another on the same thread: a
 * transaction is as isolated from the rest of the process as SQLite's. The wait blocks this thread, which is
 * why the server runs capture, mapping and delivery on separate threads and processes.
 */
/** The thread that owns the connection, its channel and the flag it raises on each answer. */
interface ConnectionThread {
  worker: Worker
  port: MessagePort
  flag: Int32Array
  /** Until its first answer, a thread is still loading and connecting: it gets THREAD_START_MS on top. */
  answered: boolean
}

const THREAD_START_MS = 30_000

/** Each thread counts its connections from its own base, so that a transaction never outlives its thread. */
const GENERATIONS_PER_THREAD = 1_000_000_000

export interface SyncPgOptions {
  applicationName?: string
  /** How long a statement may go unanswered before its thread is replaced (default 120 s). */
  answerTimeoutMs?: number
}

export class SyncPgConnection implements SqlConnection {
  readonly dialect = 'postgres'
  private thread: ConnectionThread
  private threads = 0
  private readonly numbered = new Map<string, NumberedSql>()
  private depth = 0
  private transactionGeneration: number | undefined
  private closed = false
  private lastId = 0
  private readonly applicationName: string
  private readonly answerTimeoutMs: number

  constructor(
    private readonly url: string,
    options: SyncPgOptions = {},
  ) {
    this.applicationName = options.applicationName ?? 'pinterest-capi'
    this.answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS
    this.thread = this.startThread()
    // Connects now, so that a wrong URL or a server that is down is an error of the start, not of the first request.
    this.exec('SELECT 1')
  }

  private startThread(): ConnectionThread {
    const { port1, port2 } = new MessageChannel()
    const flag = new Int32Array(new SharedArrayBuffer(4))
    const generationBase = this.threads++ * GENERATIONS_PER_THREAD
    const workerData = { url: this.url, signal: flag.buffer, port: port2, applicationName: this.applicationName, generationBase }
    const worker = new Worker(ENTRY.file, { workerData, transferList: [port2], execArgv: ENTRY.execArgv })
    worker.unref()
    return { worker, port: port1, flag, answered: false }
  }

  prepare(sql: string): SqlStatement {
    let numbered = this.numbered.get(sql)
    if (!numbered) {
      numbered = numberPlaceholders(sql)
      if (this.numbered.size < 1000) this.numbered.set(sql, numbered)
    }
    return new PgStatement(this, numbered, false)
  }

  exec(sql: string): void {
    this.query({ text: sql, names: [] }, [], false)
  }

  /** Runs one statement; inside a transaction, only on the connection the transaction began on. */
  query(numbered: NumberedSql, params: unknown[], prepared = true): { rows: Record<string, unknown>[]; rowCount: number } {
    if (this.closed) throw new PgError('the Postgres connection is closed', undefined, true)
    const request: Omit<PgRequest, 'id'> = {
      text: numbered.text,
      values: valuesFor(numbered, paramsOf(params)),
      generation: this.depth > 0 ? this.transactionGeneration : undefined,
      prepared,
    }
    const reply = this.ask(request)
    if ('error' in reply) throw new PgError(`${reply.error.message} (in: ${numbered.text.replace(/\s+/g, ' ').slice(0, 200)})`, reply.error.code, reply.error.lost)
    return reply
  }

  /**
   * Posts one request and waits for the reply with its id. Replies are numbered because a wake-up is not
   * proof of an answer (the flag of the previous reply may be raised late): a reply of another request is
   * never taken for this one's.
   */
  private ask(request: Omit<PgRequest, 'id'>): PgReply {
    const id = ++this.lastId
    const thread = this.thread
    const { flag, port } = thread
    Atomics.store(flag, 0, 0)
    port.postMessage({ ...request, id } satisfies PgRequest)
    const deadline = Date.now() + this.answerTimeoutMs + (thread.answered ? 0 : THREAD_START_MS)
    for (;;) {
      const received = receiveMessageOnPort(port)
      if (received) {
        const reply = received.message as PgReply
        thread.answered = true
        if (reply.id === id) return reply
        continue
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        // The thread (or its socket) hangs: a fresh one serves the next statement, and a transaction begun on
        // the old one is lost with it (its generations are the old thread's).
        this.replaceThread()
        throw new PgError(`Postgres did not answer within ${this.answerTimeoutMs / 1000} s`, undefined, true)
      }
      Atomics.wait(flag, 0, 0, left)
      Atomics.store(flag, 0, 0)
    }
  }

  private replaceThread(): void {
    const old = this.thread
    old.port.close()
    void old.worker.terminate()
    this.thread = this.startThread()
  }

  transaction<T>(fn: () => T): T {
    const outer = this.depth === 0
    const savepoint = `s${this.depth}`
    if (outer) {
      const reply = this.ask({ text: 'BEGIN', values: [] })
      if ('error' in reply) throw new PgError(reply.error.message, reply.error.code, reply.error.lost)
      this.transactionGeneration = reply.generation
    } else this.exec(`SAVEPOINT ${savepoint}`)
    this.depth += 1
    try {
      const result = fn()
      if (result instanceof Promise) throw new Error('a transaction runs synchronous code only')
      // Still inside: the COMMIT is refused when the connection it began on was lost meanwhile.
      this.exec(outer ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`)
      return result
    } catch (error) {
      this.rollback(outer ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`)
      throw error
    } finally {
      this.depth -= 1
      if (outer) this.transactionGeneration = undefined
    }
  }

  private rollback(statement: string): void {
    try {
      this.exec(statement)
    } catch {
      // A lost connection took the transaction with it.
    }
  }

  erasing<T>(fn: () => T): T {
    return fn()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    void this.thread.worker.terminate()
  }
}

/** better-sqlite3's convention: one plain object is values by name, anything else values by position. */
function paramsOf(params: unknown[]): SqlParams {
  if (params.length === 1 && Array.isArray(params[0])) return params[0] as unknown[]
  if (params.length === 1 && params[0] !== null && typeof params[0] === 'object') return params[0] as Record<string, unknown>
  return params
}

class PgStatement implements SqlStatement {
  constructor(
    private readonly connection: SyncPgConnection,
    private readonly numbered: NumberedSql,
    private readonly plucked: boolean,
  ) {}

  private rows(params: unknown[]): unknown[] {
    const { rows } = this.connection.query(this.numbered, params)
    return this.plucked ? rows.map((row) => Object.values(row)[0]) : rows
  }

  run(...params: unknown[]): { changes: number } {
    return { changes: this.connection.query(this.numbered, params).rowCount }
  }

  get(...params: unknown[]): unknown {
    return this.rows(params)[0]
  }

  all(...params: unknown[]): unknown[] {
    return this.rows(params)
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    return this.rows(params)[Symbol.iterator]()
  }

  pluck(): SqlStatement {
    return new PgStatement(this.connection, this.numbered, true)
  }
}
