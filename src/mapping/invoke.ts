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
 * function is disabled or nothing matches). Never throws on event data.
 */
export function invokeFunction(fn: CompiledFunction, input: unknown, options: InvokeOptions = {}): InvocationResult[] {
  const nowMs = options.nowMs ?? Date.now()
  const parsed = toInvocationGlobals(input, nowMs)
  if (!parsed.ok) return [{ mapping: null, status: 'error', reason: parsed.reason }]
  if (!fn.enabled || !fn.matches(parsed.globals)) return []
  return fn.mappings.filter((m) => m.matches(parsed.globals)).map((m) => invokeMapping(m, parsed.globals, nowMs))
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
