import { GLOBAL_ROOTS } from './compiler'
import type { HogNode } from './parser'
import { HogRuntimeError } from './runtime'

/**
 * Most inputs are a property chain (`{event.properties.$ip}`) or a `??` chain of them. Those are
 * evaluated here without starting the VM, with the VM's own lookup rules (`getNestedValue`, 1-based
 * array indexes, own properties only), so both paths give the same result. The value is returned
 * as it sits in the globals, without a copy: nothing downstream mutates inputs. (The VM converts
 * objects carrying its internal markers, such as `__hogDateTime__`, which event data never should.)
 */
export type FastExpr = { kind: 'chain'; chain: string[] } | { kind: 'constant'; value: unknown } | { kind: 'firstNonNull'; options: FastExpr[] }

export function toFastExpr(node: HogNode): FastExpr | undefined {
  if (node.node === 'Constant') return { kind: 'constant', value: node.value ?? null }
  if (node.node === 'Field') {
    const chain = node.chain as unknown[]
    const plain = chain.every((key) => typeof key === 'string') && GLOBAL_ROOTS.has(String(chain[0]))
    return plain ? { kind: 'chain', chain: chain as string[] } : undefined
  }
  if (node.node === 'Call' && node.name === 'ifNull' && !node.params) {
    const args = node.args as HogNode[]
    if (args.length !== 2) return undefined
    const options = args.map(toFastExpr)
    if (options.some((o) => o === undefined)) return undefined
    return { kind: 'firstNonNull', options: (options as FastExpr[]).flatMap((o) => (o.kind === 'firstNonNull' ? o.options : [o])) }
  }
  return undefined
}

/**
 * `getNestedValue(globals, chain, true)` of @posthog/hogvm for chains of string keys, without its
 * per-key Map and number checks (globals hold plain JSON data): own properties only, null when a
 * step is missing.
 */
function lookup(globals: Record<string, unknown>, chain: readonly string[]): unknown {
  let value: unknown = globals
  for (let i = 0; i < chain.length; i++) {
    if (value === null || value === undefined) return null
    value = Object.hasOwn(value as object, chain[i]) ? (value as Record<string, unknown>)[chain[i]] : null
  }
  return value ?? null
}

export function evaluateFast(expr: FastExpr, globals: Record<string, unknown>): unknown {
  switch (expr.kind) {
    case 'constant':
      return expr.value
    case 'chain':
      if (!Object.hasOwn(globals, expr.chain[0])) {
        throw new HogRuntimeError(`Global variable not found: ${expr.chain.join('.')}`)
      }
      return lookup(globals, expr.chain)
    case 'firstNonNull':
      for (const option of expr.options) {
        const value = evaluateFast(option, globals)
        if (value !== null) return value
      }
      return null
  }
}
