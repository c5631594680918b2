import { type MessagePort, workerData } from 'node:worker_threads'
import { Client, types } from 'pg'

/** A request from SyncPgConnection: one statement, run on this thread's connection. */
export interface PgRequest {
  text: string
  values: unknown[]
  /** Inside a transaction: the connection it began on; a newer one means the transaction is gone. */
  generation?: number
}

export type PgReply = { rows: Record<string, unknown>[]; rowCount: number; generation: number } | { error: { message: string; code?: string; detail?: string; lost: boolean } }

// Counts, ids and epoch milliseconds are int8 and sums numeric; all stay far below 2^53.
types.setTypeParser(20, (value) => Number(value))
types.setTypeParser(1700, (value) => Number(value))

const { url, signal, port, applicationName } = workerData as { url: string; signal: SharedArrayBuffer; port: MessagePort; applicationName: string }
const flag = new Int32Array(signal)
let client: Client | undefined
let generation = 0

async function connection(): Promise<Client> {
  if (client) return client
  const fresh = new Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 })
  // A connection that drops is replaced at the next request; its error must not end the thread.
  fresh.on('error', () => {
    if (client === fresh) client = undefined
  })
  await fresh.connect()
  // A statement or an idle transaction left hanging would hold locks and keep the queue tables from vacuum.
  await fresh.query("SET statement_timeout = '60s'; SET idle_in_transaction_session_timeout = '120s'; SET lock_timeout = '30s'")
  client = fresh
  generation += 1
  return fresh
}

async function answer(request: PgRequest): Promise<PgReply> {
  try {
    if (request.generation !== undefined && request.generation !== generation) {
      return { error: { message: 'the connection to Postgres was lost during the transaction', lost: true } }
    }
    const db = await connection()
    const result = await db.query({ text: request.text, values: request.values })
    return { rows: result.rows, rowCount: result.rowCount ?? 0, generation }
  } catch (error) {
    const e = error as { message: string; code?: string; detail?: string }
    // Errors of the statement carry a SQLSTATE; anything else (a reset, a refused connect) is the connection's.
    const lost = typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)
    if (lost) {
      client?.end().catch(() => {})
      client = undefined
    }
    return { error: { message: e.message, code: e.code, detail: e.detail, lost } }
  }
}

port.on('message', (request: PgRequest) => {
  void answer(request).then((reply) => {
    port.postMessage(reply)
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
  })
})
