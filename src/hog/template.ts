import { ConfigError } from '../errors'
import { type Bytecode, compileToBytecode, HogCompileError } from './compiler'
import { evaluateFast, type FastExpr, toFastExpr } from './fast-path'
import { type HogNode, isParseFailure, parseTemplateString, type TemplateText } from './parser'
import { runBytecode } from './runtime'
import { templateOutOfBounds } from './template-bounds'

/** An input value compiled once per configuration and evaluated once per event. */
export type CompiledValue =
  | { kind: 'constant'; value: unknown }
  | { kind: 'fast'; expr: FastExpr }
  | { kind: 'vm'; bytecode: Bytecode }
  | { kind: 'dict'; entries: [string, CompiledValue][] }
  | { kind: 'array'; items: CompiledValue[] }

export interface CompileOptions {
  /** Off only in tests that compare the fast path with the VM. */
  fastPath?: boolean
  /** How long the parser may take on one template (ms). */
  parseTimeoutMs?: number
}

/** Plain text is not parsed, so it may be long; a template with holes has tighter TEMPLATE_BOUNDS. */
const MAX_TEMPLATE_LENGTH = 100_000
const MAX_DEPTH = 16

/**
 * Compiles an input value the way PostHog does: every string leaf is a Hog template string,
 * dictionaries and arrays are compiled leaf by leaf, other JSON values are constants.
 * Throws ConfigError naming `field` (and the position inside the template) on any problem.
 */
export function compileTemplate(value: unknown, field: string, options: CompileOptions = {}, depth = 0): CompiledValue {
  if (depth > MAX_DEPTH) throw new ConfigError(field, `nested deeper than ${MAX_DEPTH} levels`)
  if (typeof value === 'string') return compileString(value, field, options)
  if (Array.isArray(value)) {
    return { kind: 'array', items: value.map((item, i) => compileTemplate(item, `${field}[${i}]`, options, depth + 1)) }
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]): [string, CompiledValue] => {
      if (key === '__proto__') throw new ConfigError(`${field}.${key}`, 'this key is not allowed')
      return [key, compileTemplate(item, `${field}.${key}`, options, depth + 1)]
    })
    return { kind: 'dict', entries }
  }
  return { kind: 'constant', value: value ?? null }
}

/**
 * The template strings of an input value that compileString would parse, with their fields (see
 * parseTemplatesAhead). Throws, as compileString does, for one past the bounds.
 */
export function templatesToParse(value: unknown, field: string, out: TemplateText[] = [], depth = 0): TemplateText[] {
  if (depth > MAX_DEPTH) return out
  if (typeof value === 'string') {
    if (mustParse(value, field)) out.push({ field, text: value })
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => templatesToParse(item, `${field}[${i}]`, out, depth + 1))
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) templatesToParse(item, `${field}.${key}`, out, depth + 1)
  }
  return out
}

/**
 * Whether a template string goes through PostHog's parser (text without holes or escapes is its own
 * value); throws ConfigError for one past the bounds, which is never parsed.
 */
function mustParse(text: string, field: string): boolean {
  if (text.length > MAX_TEMPLATE_LENGTH) throw new ConfigError(field, `template longer than ${MAX_TEMPLATE_LENGTH} characters`)
  if (!text.includes('{') && !text.includes('\\')) return false
  const outOfBounds = templateOutOfBounds(text)
  if (outOfBounds) throw new ConfigError(field, outOfBounds)
  return true
}

export function compileString(text: string, field: string, options: CompileOptions = {}): CompiledValue {
  if (!mustParse(text, field)) return { kind: 'constant', value: text }
  const ast = parseTemplateString(text, { timeoutMs: options.parseTimeoutMs })
  if (isParseFailure(ast)) throw new ConfigError(field, ast.failure)
  if ('message' in ast && !('node' in ast)) {
    throw new ConfigError(field, `invalid template at position ${ast.position}: ${ast.message}`)
  }
  const node = ast as HogNode
  // A fast expression is one the compiler always accepts (a chain of keys from a known root, ifNull of two
  // such), so bytecode that would never run is not built for it.
  const fast = options.fastPath === false || node.node === 'Constant' ? undefined : toFastExpr(node)
  if (fast) return { kind: 'fast', expr: fast }
  try {
    const bytecode = compileToBytecode(node)
    if (node.node === 'Constant') return { kind: 'constant', value: node.value ?? null }
    return { kind: 'vm', bytecode }
  } catch (error) {
    if (error instanceof HogCompileError) {
      throw new ConfigError(field, `invalid template at position ${error.position}: ${error.message}`)
    }
    throw error
  }
}

/**
 * Evaluates a compiled value against invocation globals. A single-hole template keeps the
 * expression's own type; nulls are left out of dictionaries and arrays.
 * Throws HogRuntimeError when an expression fails at run time, HogTimeBudgetError past `deadline`
 * (a Date.now() time; only the VM can run long, so the fast path never reads the clock).
 */
export function evaluateTemplate(compiled: CompiledValue, globals: Record<string, unknown>, deadline?: number): unknown {
  switch (compiled.kind) {
    case 'constant':
      return compiled.value
    case 'fast':
      return evaluateFast(compiled.expr, globals)
    case 'vm':
      return runBytecode(compiled.bytecode, globals, deadline)
    case 'array':
      return compiled.items.map((item) => evaluateTemplate(item, globals, deadline)).filter((item) => item !== null)
    case 'dict': {
      // Runs for every dictionary input of every event: an indexed loop, no iterator or destructuring.
      const out: Record<string, unknown> = {}
      const entries = compiled.entries
      for (let i = 0; i < entries.length; i++) {
        const value = evaluateTemplate(entries[i][1], globals, deadline)
        if (value !== null) out[entries[i][0]] = value
      }
      return out
    }
  }
}
