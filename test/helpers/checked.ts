import type { CompiledFunction } from '../../src/mapping/compile-function'
import { invokeFunction, type InvocationResult, type InvokeOptions } from '../../src/mapping/invoke'
import { type BuildResult, buildPinterestEvent, checkAgainstSchema } from '../../src/pinterest/builder'
import { validatePinterestRequest } from './pinterest-schema'

/** Fails the test when a produced event breaks Pinterest's official schema or our zod schema. */
export function expectValidPinterestEvent(event: unknown): void {
  expect(validatePinterestRequest({ data: [event] })).toEqual([])
  expect(checkAgainstSchema(event as never)).toBeNull()
}

/** buildPinterestEvent, with every event it produces validated. */
export function buildChecked(inputs: Record<string, unknown>, nowMs: number): BuildResult {
  const result = buildPinterestEvent(inputs, { nowMs })
  if (result.status === 'event') expectValidPinterestEvent(result.event)
  return result
}

/** invokeFunction, with every event it produces validated. */
export function invokeChecked(fn: CompiledFunction, input: unknown, options: InvokeOptions): InvocationResult[] {
  const results = invokeFunction(fn, input, options)
  for (const result of results) if (result.status === 'event') expectValidPinterestEvent(result.event)
  return results
}
