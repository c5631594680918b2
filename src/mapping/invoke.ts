import { HogTimeBudgetError } from '../hog/runtime'
import { evaluateTemplate } from '../hog/template'
import { buildPinterestEvent } from '../pinterest/builder'
import type { PinterestEvent } from '../pinterest/schema'
import { RegexError } from '../regex'
import type { CompiledFunction, CompiledMapping } from './compile-function'
import { type InvocationGlobals, toInvocationGlobals } from './globals'

export type InvocationResult =
  | { mapping: string; status: 'event'; event: PinterestEvent; warnings: string[] }
  | { mapping: string; status: 'skipped'; reason: string }
  | { mapping: string | null; status: 'error'; reason: string }

export interface InvokeOptions {
  /** The clock for Pinterest's time window; tests pin it. */
  nowMs?: number
}

/**
 * Runs one event through a compiled function: one result per matching mapping (none when the
 * function is disabled or nothing matches). The event may be invocation globals or capture-style;
 * it is checked first. Never throws on event data.
 */
export function invokeFunction(fn: CompiledFunction, input: unknown, options: InvokeOptions = {}): InvocationResult[] {
  if (!fn.enabled) return []
  const nowMs = options.nowMs ?? Date.now()
  let parsed: ReturnType<typeof toInvocationGlobals>
  try {
    parsed = toInvocationGlobals(input, nowMs)
  } catch (error) {
    return [unexpected(error)]
  }
  if (!parsed.ok) return [{ mapping: null, status: 'error', reason: parsed.reason }]
  return runFunction(fn, parsed.globals, nowMs)
}

// Last line of defence: each stage handles bad data itself, but one event must never stop a stream.
function unexpected(error: unknown): InvocationResult {
  return { mapping: null, status: 'error', reason: `unexpected failure: ${error instanceof Error ? error.message : 'unknown error'}` }
}

/**
 * As invokeFunction, for globals already in shape (built once per event by a pipeline running several
 * functions). The function has fn.timeBudgetMs for the event across its mappings; past it, its only
 * result is an error, so that one function's slow templates cannot hold up the others. The budget is
 * wall-clock time, which also counts pauses of the thread (garbage collection, a busy machine), so an
 * event over it gets one more try before the error: a pause rarely strikes twice, a slow template does.
 */
export function runFunction(fn: CompiledFunction, parsed: InvocationGlobals, nowMs: number): InvocationResult[] {
  if (!fn.enabled) return []
  const globals = { ...parsed, source: parsed.source ?? { name: fn.name, url: '' } }
  const first = attempt(fn, globals, nowMs)
  if (!(first instanceof OverBudget)) return first
  const second = attempt(fn, globals, nowMs)
  if (!(second instanceof OverBudget)) return second
  return [{ mapping: second.mapping, status: 'error', reason: `the function took longer than ${fn.timeBudgetMs} ms on this event` }]
}

class OverBudget {
  constructor(readonly mapping: string | null) {}
}

function attempt(fn: CompiledFunction, globals: InvocationGlobals, nowMs: number): InvocationResult[] | OverBudget {
  const deadline = Date.now() + fn.timeBudgetMs
  let current: string | null = null
  try {
    if (!fn.matches(globals)) return []
    const results: InvocationResult[] = []
    const name = globals.event.event
    for (const mapping of fn.mappings) {
      if (mapping.eventNames !== null && typeof name === 'string' && !mapping.eventNames.has(name)) continue
      current = mapping.name
      if (!mapping.matches(globals)) continue
      results.push(invokeMapping(mapping, globals, nowMs, deadline))
      // Only templates run on the VM read the clock themselves; this catches the rest, once per mapping run.
      if (Date.now() > deadline) throw new HogTimeBudgetError()
    }
    return results
  } catch (error) {
    if (error instanceof HogTimeBudgetError) return new OverBudget(current)
    if (error instanceof RegexError) return [{ mapping: current, status: 'error', reason: `filters: ${error.message}` }]
    return [unexpected(error)]
  }
}

function invokeMapping(mapping: CompiledMapping, globals: InvocationGlobals, nowMs: number, deadline: number): InvocationResult {
  const scope = globals as unknown as Record<string, unknown>
  const inputs: Record<string, unknown> = {}
  const compiledInputs = mapping.inputs
  for (let i = 0; i < compiledInputs.length; i++) {
    const [key, compiled] = compiledInputs[i]
    try {
      inputs[key] = evaluateTemplate(compiled, scope, deadline)
    } catch (error) {
      if (error instanceof HogTimeBudgetError) throw error
      return { mapping: mapping.name, status: 'error', reason: `inputs.${key}: ${(error as Error).message}` }
    }
  }
  const built = buildPinterestEvent(inputs, { nowMs })
  // Spelled out rather than spread (same keys, same order): this runs for every mapped event.
  if (built.status === 'event') return { mapping: mapping.name, status: 'event', event: built.event, warnings: built.warnings }
  return { mapping: mapping.name, status: built.status, reason: built.reason }
}
