import { createHash } from 'node:crypto'
import { type MessagePort, workerData } from 'node:worker_threads'
import { Client, types } from 'pg'

/** A request from SyncPgConnection: one statement, run on this thread's connection. */
export interface PgRequest {
  /** Echoed in the reply, so that the caller takes only its own. */
  id: number
  text: string
  values: unknown[]
  /** Inside a transaction: the connection it began on; a newer one means the transaction is gone. */
  generation?: number
  /** A store's statement, run often: prepared once on the connection (never a text of several statements). */
  prepared?: boolean
}

export type PgReply = { id: number } & ({ rows: Record<string, unknown>[]; rowCount: number; generation: number } | { error: { message: string; code?: string; detail?: string; lost: boolean } })
type Answer = { rows: Record<string, unknown>[]; rowCount: number; generation: number } | { error: { message: string; code?: string; detail?: string; lost: boolean } }

// Counts, ids and epoch milliseconds are int8 and sums numeric; all stay far below 2^53.
types.setTypeParser(20, (value) => Number(value))
types.setTypeParser(1700, (value) => Number(value))

const { url, signal, port, applicationName, generationBase } = workerData as { url: string; signal: SharedArrayBuffer; port: MessagePort; applicationName: string; generationBase: number }
const flag = new Int32Array(signal)
let client: Client | undefined
let generation = generationBase
/** Names of the statements prepared on the current connection (pg parses a named one once per connection). */
let prepared = new Map<string, string>()
/** The stores have a few hundred statements; texts built per call beyond them run unprepared. */
const MAX_PREPARED = 500

async function connection(): Promise<Client> {
  if (client) return client
  const fresh = new Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 })
  // A connection that drops is replaced at the next request; its error must not end the thread.
  const forget = () => {
    if (client === fresh) client = undefined
  }
  fresh.on('error', forget)
  fresh.on('end', forget)
  await fresh.connect()
  // A statement or an idle transaction left hanging would hold locks and keep the queue tables from vacuum.
  await fresh.query("SET statement_timeout = '60s'; SET idle_in_transaction_session_timeout = '120s'; SET lock_timeout = '30s'")
  client = fresh
  generation += 1
  prepared = new Map()
  return fresh
}

const TRANSACTION_LOST: Answer = { error: { message: 'the connection to Postgres was lost during the transaction', lost: true } }

async function answer(request: PgRequest): Promise<Answer> {
  try {
    // Checked after connecting too: a connection dropped while idle in a transaction is replaced by
    // connection(), and a statement of that transaction must not run (and commit alone) on the new one.
    if (request.generation !== undefined && request.generation !== generation) return TRANSACTION_LOST
    const db = await connection()
    if (request.generation !== undefined && request.generation !== generation) return TRANSACTION_LOST
    const result = await db.query({ name: request.prepared ? statementName(request.text) : undefined, text: request.text, values: request.values })
    return { rows: result.rows, rowCount: result.rowCount ?? 0, generation }
  } catch (error) {
    const e = error as { message: string; code?: string; detail?: string }
    // Errors of the statement carry a SQLSTATE; anything else (a reset, a refused connect) is the connection's,
    // and so are the SQLSTATEs of a dropped connection (class 08) or a terminated backend (57P01 to 57P05).
    const lost = typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code) || /^(08|57P0)/.test(e.code)
    if (lost) {
      client?.end().catch(() => {})
      client = undefined
    }
    return { error: { message: e.message, code: e.code, detail: e.detail, lost } }
  }
}

/**
 * The statement's name on this connection, or none past MAX_PREPARED. Parameter types are inferred from the
 * text alone (pg sends every value untyped), so a statement prepared at its first use fits every later one.
 */
function statementName(text: string): string | undefined {
  let name = prepared.get(text)
  if (name === undefined && prepared.size < MAX_PREPARED) {
    name = `s_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`
    prepared.set(text, name)
  }
  return name
}

// One statement at a time, in the order sent: the connection is one session.
let queue: Promise<void> = Promise.resolve()
port.on('message', (request: PgRequest) => {
  queue = queue.then(async () => {
    const reply: PgReply = { id: request.id, ...(await answer(request)) }
    port.postMessage(reply)
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
  })
})
