import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError } from '../errors'
import { compileFunction, CompiledFunction } from './compile-function'
import { invokeFunction } from './invoke'
import type { WorkerReply, WorkerRequest, WorkerResult } from './mapping-pool'

// One thread of a MappingPool: parses JSON-lines text, maps it, and answers with the events as UTF-8
// JSON in one transferred buffer, so the main thread neither copies nor garbage-collects them.
async function start(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('mapping-worker runs inside a worker thread')
  let fn: CompiledFunction
  try {
    fn = await compileFunction((workerData as { config: unknown }).config)
  } catch (error) {
    const field = error instanceof ConfigError ? error.field : 'configuration'
    const detail = error instanceof ConfigError ? error.detail : (error as Error).message
    port.postMessage({ type: 'failed', field, detail } satisfies WorkerReply)
    return
  }
  port.on('message', (request: WorkerRequest) => {
    const mapped = request.lines.flatMap((text, i) => mapLine(fn, text, request.firstLine + i, request.nowMs))
    const { results, bytes } = pack(mapped)
    port.postMessage({ type: 'mapped', id: request.id, results, bytes } satisfies WorkerReply, [bytes])
  })
  port.postMessage({ type: 'ready' } satisfies WorkerReply)
}

type Mapped = Exclude<WorkerResult, { status: 'event' }> | { line: number; mapping: string; status: 'event'; eventId: string; json: string }

function pack(mapped: Mapped[]): { results: WorkerResult[]; bytes: ArrayBuffer } {
  let total = 0
  for (const m of mapped) if (m.status === 'event') total += Buffer.byteLength(m.json)
  // Its own ArrayBuffer (not a slice of Node's shared pool), so it can be transferred.
  const buffer = Buffer.allocUnsafeSlow(total)
  let at = 0
  const results = mapped.map((m): WorkerResult => {
    if (m.status !== 'event') return m
    const length = buffer.write(m.json, at)
    const result: WorkerResult = { line: m.line, mapping: m.mapping, status: 'event', eventId: m.eventId, at, length }
    at += length
    return result
  })
  return { results, bytes: buffer.buffer as ArrayBuffer }
}

function mapLine(fn: CompiledFunction, text: string, line: number, nowMs?: number): Mapped[] {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    return [{ line, mapping: null, status: 'error', reason: `line ${line}: invalid JSON` }]
  }
  const results = invokeFunction(fn, input, { nowMs })
  if (results.length === 0) return [{ line, mapping: null, status: 'filtered', reason: 'no mapping matched this event' }]
  return results.map((result): Mapped => {
    if (result.status !== 'event') return { line, ...result }
    return { line, mapping: result.mapping, status: 'event', eventId: result.event.event_id, json: JSON.stringify(result.event) }
  })
}

void start()
