import { parentPort, workerData } from 'node:worker_threads'
import { ConfigError } from '../errors'
import { type CompiledFunction, compileFunction, describeFunction } from './compile-function'
import { invokeFunction } from './invoke'
import { linesOfText, parseJsonLine } from '../json'
import type { MappedResult, WorkerReply, WorkerRequest } from './mapping-pool'
import { type LineOutcome, noOutcomes, printedLine } from './printed-lines'

// One thread of a MappingPool: parses JSON-lines text, maps it, and answers either with each event as UTF-8
// JSON in a buffer of its own, or with the chunk's printed output in one buffer. Buffers are transferred
// rather than copied, so event text never enters the main thread's JavaScript heap.
async function start(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('mapping-worker runs inside a worker thread')
  let fn: CompiledFunction
  try {
    fn = await compileFunction((workerData as { config: unknown }).config)
  } catch (error) {
    const problems = error instanceof ConfigError ? [...error.problems] : [{ field: 'configuration', detail: (error as Error).message }]
    port.postMessage({ type: 'failed', problems } satisfies WorkerReply)
    return
  }
  port.on('message', (request: WorkerRequest) => {
    const lines = Array.isArray(request.text) ? request.text : linesOfText(utf8Text.decode(request.text))
    if (request.print) {
      const counts = noOutcomes()
      let printed = ''
      for (let i = 0; i < lines.length; i++) {
        for (const outcome of mapLine(fn, lines[i], request.firstLine + i, request.nowMs)) {
          counts[outcome.status] += 1
          printed += printedLine(request.firstLine + i, outcome)
        }
      }
      const output = utf8.encode(printed)
      port.postMessage({ type: 'printed', id: request.id, output, counts } satisfies WorkerReply, [output.buffer as ArrayBuffer])
      return
    }
    const results = lines.flatMap((text, i) => mapLine(fn, text, request.firstLine + i, request.nowMs).map((outcome) => asResult(request.firstLine + i, outcome)))
    const buffers = results.flatMap((r) => (r.status === 'event' ? [r.json.buffer as ArrayBuffer] : []))
    port.postMessage({ type: 'mapped', id: request.id, results } satisfies WorkerReply, buffers)
  })
  const settings = { ...fn.settings, conversionToken: fn.settings.conversionToken.reveal() }
  port.postMessage({ type: 'ready', description: describeFunction(fn), settings } satisfies WorkerReply)
}

// TextEncoder gives each event a buffer of exactly its size, owned by nothing else, so it can be
// transferred on its own; no event's bytes keep another's alive.
const utf8 = new TextEncoder()
// A byte order mark stays in the text, as the line reader of one thread keeps it.
const utf8Text = new TextDecoder('utf-8', { ignoreBOM: true })

function asResult(line: number, outcome: LineOutcome): MappedResult {
  if (outcome.status !== 'event') return { line, ...outcome }
  const json = utf8.encode(outcome.eventJson)
  return { line, mapping: outcome.mapping, status: 'event', eventId: outcome.eventId, json, warnings: outcome.warnings }
}

function mapLine(fn: CompiledFunction, text: string, line: number, nowMs?: number): LineOutcome[] {
  const parsed = parseJsonLine(text, line)
  if (!parsed) return []
  if ('error' in parsed) return [{ mapping: null, status: 'error', reason: parsed.error }]
  const results = invokeFunction(fn, parsed.value, { nowMs })
  if (results.length === 0) return [{ mapping: null, status: 'filtered', reason: 'no mapping matched this event' }]
  return results.map((result): LineOutcome => {
    if (result.status !== 'event') return result
    return { mapping: result.mapping, status: 'event', eventId: result.event.event_id, eventJson: JSON.stringify(result.event), warnings: result.warnings }
  })
}

void start()
