import { evaluateTemplate } from '../hog/template'
import { buildPinterestEvent } from '../pinterest/builder'
import { PinterestEvent } from '../pinterest/schema'
import { CompiledFunction, CompiledMapping } from './compile-function'
import { InvocationGlobals, toInvocationGlobals } from './globals'

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

/** As invokeFunction, for globals already in shape (built once per event by a pipeline running several functions). */
export function runFunction(fn: CompiledFunction, parsed: InvocationGlobals, nowMs: number): InvocationResult[] {
  if (!fn.enabled) return []
  try {
    const globals = { ...parsed, source: parsed.source ?? { name: fn.name, url: '' } }
    if (!fn.matches(globals)) return []
    return fn.mappings.filter((m) => m.matches(globals)).map((m) => invokeMapping(m, globals, nowMs))
  } catch (error) {
    return [unexpected(error)]
  }
}

function invokeMapping(mapping: CompiledMapping, globals: InvocationGlobals, nowMs: number): InvocationResult {
  const scope = globals as unknown as Record<string, unknown>
  const inputs: Record<string, unknown> = {}
  for (const [key, compiled] of mapping.inputs) {
    try {
      inputs[key] = evaluateTemplate(compiled, scope)
    } catch (error) {
      return { mapping: mapping.name, status: 'error', reason: `inputs.${key}: ${(error as Error).message}` }
    }
  }
  const built = buildPinterestEvent(inputs, { nowMs })
  return { mapping: mapping.name, ...built }
}
