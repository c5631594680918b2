import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError } from '../errors'
import { compileFunction, CompiledFunction } from './compile-function'
import { invokeFunction } from './invoke'
import type { MappedResult, WorkerReply, WorkerRequest } from './mapping-pool'

// One thread of a MappingPool: parses JSON-lines text, maps it, and answers with serialised events,
// so the main thread only moves strings.
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
    port.postMessage({ type: 'mapped', id: request.id, results } satisfies WorkerReply)
  })
  port.postMessage({ type: 'ready' } satisfies WorkerReply)
}

function mapLine(fn: CompiledFunction, text: string, line: number, nowMs?: number): MappedResult[] {
  let input: unknown
  try {
    input = JSON.parse(text)
  } catch {
    return [{ line, mapping: null, status: 'error', reason: `line ${line}: invalid JSON` }]
  }
  const results = invokeFunction(fn, input, { nowMs })
  if (results.length === 0) return [{ line, mapping: null, status: 'filtered', reason: 'no mapping matched this event' }]
  return results.map((result): MappedResult => {
    if (result.status !== 'event') return { line, ...result }
    return { line, mapping: result.mapping, status: 'event', eventId: result.event.event_id, json: JSON.stringify(result.event) }
  })
}

void start()
