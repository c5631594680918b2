import type { STL as StandardLibrary } from '@posthog/hogvm'

/** Functions the compiler turns into jumps or operators instead of calls (short-circuiting). */
export const SPECIAL_FORMS = new Set(['if', 'ifNull', 'multiIf', 'and', 'or', 'not'])

// Functions the VM implements in Hog bytecode (its BYTECODE_STL, which the package does not export),
// with their argument counts.
const BYTECODE_FUNCTIONS: Record<string, number> = {
  arrayCount: 2,
  arrayExists: 2,
  arrayFilter: 2,
  arrayMap: 2,
  arrayReduce: 3,
  sortableSemver: 1,
}

/** Async or side-effecting functions have no place in a template that runs once per event. */
const FORBIDDEN = new Set(['print', 'sleep', 'fetch', 'postHogCapture', 'import', 'run'])

export type Arity = { min: number; max: number }

// The VM's package is loaded on the first call that needs it: the prebuilt templates make none.
let stl: typeof StandardLibrary | undefined

/** The argument count a standard-library function accepts, or undefined for an unknown function. */
export function functionArity(name: string): Arity | undefined {
  if (FORBIDDEN.has(name)) return undefined
  stl ??= (require('@posthog/hogvm') as typeof import('@posthog/hogvm')).STL
  const STL = stl
  if (Object.hasOwn(STL, name)) {
    const fn = STL[name]
    return { min: fn.minArgs ?? 0, max: fn.maxArgs ?? Number.POSITIVE_INFINITY }
  }
  if (Object.hasOwn(BYTECODE_FUNCTIONS, name)) {
    const count = BYTECODE_FUNCTIONS[name]
    return { min: count, max: count }
  }
  return undefined
}

export function isForbidden(name: string): boolean {
  return FORBIDDEN.has(name)
}
