import * as crypto from 'node:crypto'
import { compileRegex, RegexError } from '../regex'
import type { Bytecode } from './compiler'
import { toPlain } from './plain'

export class HogRuntimeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HogRuntimeError'
  }
}

/** A function ran out of its time for one event (see runFunction). */
export class HogTimeBudgetError extends Error {
  constructor() {
    super('the time budget of this event ran out')
    this.name = 'HogTimeBudgetError'
  }
}

// A template runs once per event, so it gets a tight budget: a runaway expression
// (say arrayMap over a huge array) fails that one event instead of stalling the pipeline.
const TIMEOUT_MS = 250
const MEMORY_LIMIT_BYTES = 16 * 1024 * 1024

function regexMatch(pattern: string, value: string): boolean {
  try {
    return compileRegex(pattern)(value)
  } catch (error) {
    if (error instanceof RegexError) throw new HogRuntimeError(error.message)
    throw new HogRuntimeError(`invalid regular expression: ${(error as Error).message}`)
  }
}

const options = {
  timeout: TIMEOUT_MS,
  memoryLimit: MEMORY_LIMIT_BYTES,
  maxAsyncSteps: 0,
  external: { regex: { match: regexMatch }, crypto },
}

// Loaded on the first template that needs the VM: the prebuilt mappings never do (see fast-path.ts).
let vm: typeof import('@posthog/hogvm') | undefined

/**
 * Runs compiled template bytecode against the invocation globals and returns plain data. With a
 * deadline (a Date.now() time), the VM's own timeout (checked every 32 operations) stops it there,
 * and HogTimeBudgetError says so.
 */
export function runBytecode(bytecode: Bytecode, globals: Record<string, unknown>, deadline?: number): unknown {
  let timeout = TIMEOUT_MS
  if (deadline !== undefined) {
    const left = deadline - Date.now()
    if (left <= 0) throw new HogTimeBudgetError()
    timeout = Math.min(timeout, left)
  }
  vm ??= require('@posthog/hogvm') as typeof import('@posthog/hogvm')
  const result = vm.exec(bytecode, { ...options, timeout, globals })
  if (result.error) {
    if (deadline !== undefined && Date.now() >= deadline) throw new HogTimeBudgetError()
    const message = result.error instanceof Error ? result.error.message : String(result.error)
    throw new HogRuntimeError(message)
  }
  if (!result.finished) throw new HogRuntimeError(`async function ${String(result.asyncFunctionName)} is not allowed`)
  return toPlain(result.result)
}
