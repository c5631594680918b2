import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError } from '../errors'
import { parseJsonLine } from '../json'
import { type CompiledFunction, compileFunction, describeFunction } from './compile-function'
import { invokeFunction } from './invoke'
import type { MappedResult, WorkerReply, WorkerRequest } from './mapping-pool'

// One thread of a MappingPool: parses JSON-lines text, maps it, and answers with each event as UTF-8
// JSON in a buffer of its own, transferred rather than copied, so event text never enters the main
// thread's JavaScript heap.
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
    const results = request.lines.flatMap((text, i) => mapLine(fn, text, request.firstLine + i, request.nowMs))
    const buffers = results.flatMap((r) => (r.status === 'event' ? [r.json.buffer as ArrayBuffer] : []))
    port.postMessage({ type: 'mapped', id: request.id, results } satisfies WorkerReply, buffers)
  })
  port.postMessage({ type: 'ready', description: describeFunction(fn), debugMode: fn.settings.debugMode } satisfies WorkerReply)
}

// TextEncoder gives each event a buffer of exactly its size, owned by nothing else, so it can be
// transferred on its own; no event's bytes keep another's alive.
const utf8 = new TextEncoder()

function mapLine(fn: CompiledFunction, text: string, line: number, nowMs?: number): MappedResult[] {
  const parsed = parseJsonLine(text, line)
  if (!parsed) return []
  if ('error' in parsed) return [{ line, mapping: null, status: 'error', reason: parsed.error }]
  const results = invokeFunction(fn, parsed.value, { nowMs })
  if (results.length === 0) return [{ line, mapping: null, status: 'filtered', reason: 'no mapping matched this event' }]
  return results.map((result): MappedResult => {
    if (result.status !== 'event') return { line, ...result }
    return { line, mapping: result.mapping, status: 'event', eventId: result.event.event_id, json: utf8.encode(JSON.stringify(result.event)), warnings: result.warnings }
  })
}

void start()
