import { Op, type OpCode } from './opcodes'
import { functionArity, isForbidden, SPECIAL_FORMS } from './functions'
import { type HogNode, nodePosition } from './parser'

export type Bytecode = unknown[]

/** Variables a template may read; anything else is a typo caught at save time. */
export const GLOBAL_ROOTS = new Set(['event', 'person', 'groups', 'project', 'source'])

export class HogCompileError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message)
    this.name = 'HogCompileError'
  }
}

/** One function body being compiled: the template itself (no locals) or a lambda. */
class Scope {
  constructor(
    readonly locals: string[],
    readonly parent?: Scope,
  ) {}

  /** True when an enclosing lambda (not this one) declares `name`. */
  isOuterLocal(name: string): boolean {
    for (let scope = this.parent; scope; scope = scope.parent) {
      if (scope.locals.includes(name)) return true
    }
    return false
  }
}

const COMPARE_OPS: Record<string, OpCode> = {
  '==': Op.EQ,
  '!=': Op.NOT_EQ,
  '>': Op.GT,
  '>=': Op.GT_EQ,
  '<': Op.LT,
  '<=': Op.LT_EQ,
  like: Op.LIKE,
  ilike: Op.ILIKE,
  'not like': Op.NOT_LIKE,
  'not ilike': Op.NOT_ILIKE,
  in: Op.IN,
  'not in': Op.NOT_IN,
  '=~': Op.REGEX,
  '!~': Op.NOT_REGEX,
  '=~*': Op.IREGEX,
  '!~*': Op.NOT_IREGEX,
}

const ARITHMETIC_OPS: Record<string, OpCode> = {
  '+': Op.PLUS,
  '-': Op.MINUS,
  '*': Op.MULTIPLY,
  '/': Op.DIVIDE,
  '%': Op.MOD,
}

/** Compiles a parsed template expression to @posthog/hogvm bytecode (format version 1). */
export function compileToBytecode(node: HogNode): Bytecode {
  return ['_H', 1, ...compileExpr(node, new Scope([]))]
}

function fail(message: string, node: HogNode): never {
  throw new HogCompileError(message, nodePosition(node))
}

function child(node: HogNode, key: string): HogNode {
  return node[key] as HogNode
}

function compileExpr(node: HogNode, scope: Scope): Bytecode {
  switch (node.node) {
    case 'Constant':
      return compileConstant(node)
    case 'Field':
      return compileField(node, scope)
    case 'ArrayAccess':
      return [...compileExpr(child(node, 'array'), scope), ...compileExpr(child(node, 'property'), scope), node.nullish ? Op.GET_PROPERTY_NULLISH : Op.GET_PROPERTY]
    case 'TupleAccess':
      return [...compileExpr(child(node, 'tuple'), scope), Op.INTEGER, node.index, node.nullish ? Op.GET_PROPERTY_NULLISH : Op.GET_PROPERTY]
    case 'Array':
    case 'Tuple': {
      const exprs = node.exprs as HogNode[]
      const op = node.node === 'Array' ? Op.ARRAY : Op.TUPLE
      return [...exprs.flatMap((e) => compileExpr(e, scope)), op, exprs.length]
    }
    case 'Dict': {
      const items = node.items as [HogNode, HogNode][]
      const code = items.flatMap(([k, v]) => [...compileExpr(k, scope), ...compileExpr(v, scope)])
      return [...code, Op.DICT, items.length]
    }
    case 'And':
    case 'Or': {
      const exprs = node.exprs as HogNode[]
      const op = node.node === 'And' ? Op.AND : Op.OR
      return [...exprs.flatMap((e) => compileExpr(e, scope)), op, exprs.length]
    }
    case 'Not':
      return [...compileExpr(child(node, 'expr'), scope), Op.NOT]
    case 'ArithmeticOperation':
      return compileBinary(node, ARITHMETIC_OPS, scope)
    case 'CompareOperation':
      return compileBinary(node, COMPARE_OPS, scope)
    case 'BetweenExpr':
      return compileBetween(node, scope)
    case 'Call':
      return compileCall(node, scope)
    case 'ExprCall': {
      const args = node.args as HogNode[]
      return [...args.flatMap((a) => compileExpr(a, scope)), ...compileExpr(child(node, 'expr'), scope), Op.CALL_LOCAL, args.length]
    }
    case 'Lambda':
      return compileLambda(node, scope)
    default:
      return fail(`unsupported syntax (${node.node}) in a template`, node)
  }
}

function compileConstant(node: HogNode): Bytecode {
  const value = node.value
  if (value === null || value === undefined) return [Op.NULL]
  if (value === true) return [Op.TRUE]
  if (value === false) return [Op.FALSE]
  if (typeof value === 'string') return [Op.STRING, value]
  if (typeof value === 'number') return Number.isInteger(value) ? [Op.INTEGER, value] : [Op.FLOAT, value]
  return fail(`unsupported constant ${JSON.stringify(value)}`, node)
}

function compileField(node: HogNode, scope: Scope): Bytecode {
  const chain = node.chain as (string | number)[]
  const [head, ...rest] = chain
  const name = String(head)
  const properties = rest.flatMap((key) => [...compileConstant({ node: 'Constant', value: key }), Op.GET_PROPERTY])
  const local = scope.locals.indexOf(name)
  if (local >= 0) return [Op.GET_LOCAL, local, ...properties]
  if (scope.isOuterLocal(name)) {
    // @posthog/hogvm reuses a closed upvalue for the next call of the outer lambda, which would
    // silently give every iteration the first value; refusing is better than a wrong result.
    fail(`'${name}' belongs to an outer lambda; a nested lambda can only use its own arguments`, node)
  }
  if (!GLOBAL_ROOTS.has(name)) {
    fail(`unknown variable '${name}' (templates can read ${[...GLOBAL_ROOTS].join(', ')})`, node)
  }
  // GET_GLOBAL pops the chain from the stack, so it is pushed in reverse.
  const reversed = [...chain].reverse().flatMap((key) => compileConstant({ node: 'Constant', value: key }))
  return [...reversed, Op.GET_GLOBAL, chain.length]
}

function compileBinary(node: HogNode, ops: Record<string, OpCode>, scope: Scope): Bytecode {
  const op = ops[String(node.op)]
  if (op === undefined) fail(`unsupported operator '${String(node.op)}'`, node)
  // The VM pops the left operand first, so it goes on the stack last.
  return [...compileExpr(child(node, 'right'), scope), ...compileExpr(child(node, 'left'), scope), op]
}

function compileBetween(node: HogNode, scope: Scope): Bytecode {
  const expr = child(node, 'expr')
  const range: HogNode = {
    node: 'And',
    exprs: [
      { node: 'CompareOperation', op: '>=', left: expr, right: child(node, 'low') },
      { node: 'CompareOperation', op: '<=', left: expr, right: child(node, 'high') },
    ],
  }
  const code = compileExpr(range, scope)
  return node.negated ? [...code, Op.NOT] : code
}

function compileLambda(node: HogNode, scope: Scope): Bytecode {
  const args = node.args as string[]
  const inner = new Scope(args, scope)
  const body = [...compileExpr(child(node, 'expr'), inner), Op.RETURN]
  return [Op.CALLABLE, 'lambda', args.length, 0, body.length, ...body, Op.CLOSURE, 0]
}

function compileCall(node: HogNode, scope: Scope): Bytecode {
  const name = String(node.name)
  const args = (node.args ?? []) as HogNode[]
  if (node.params) fail(`parametric call ${name}(...)(...) is not supported`, node)
  const compiled = () => args.flatMap((a) => compileExpr(a, scope))
  if (scope.locals.includes(name) || scope.isOuterLocal(name)) {
    const callee = compileField({ node: 'Field', chain: [name], start: node.start }, scope)
    return [...compiled(), ...callee, Op.CALL_LOCAL, args.length]
  }
  if (SPECIAL_FORMS.has(name)) return compileSpecialForm(name, args, node, scope)
  if (isForbidden(name)) fail(`function '${name}' cannot be used in a template`, node)
  const arity = functionArity(name)
  if (!arity) fail(`unknown function '${name}'`, node)
  if (args.length < arity.min || args.length > arity.max) {
    const expected = arity.min === arity.max ? `${arity.min}` : `${arity.min} to ${arity.max}`
    fail(`function '${name}' takes ${expected} arguments, got ${args.length}`, node)
  }
  return [...compiled(), Op.CALL_GLOBAL, name, args.length]
}

function expectArgs(name: string, args: HogNode[], count: number, node: HogNode): void {
  if (args.length !== count) fail(`function '${name}' takes ${count} arguments, got ${args.length}`, node)
}

function compileSpecialForm(name: string, args: HogNode[], node: HogNode, scope: Scope): Bytecode {
  switch (name) {
    case 'if': {
      // As in PostHog, a missing else branch is null.
      if (args.length < 2 || args.length > 3) fail(`function 'if' takes 2 or 3 arguments, got ${args.length}`, node)
      return compileIf(args[0], args[1], args[2] ?? null, scope)
    }
    case 'ifNull': {
      expectArgs(name, args, 2, node)
      const fallback = compileExpr(args[1], scope)
      return [...compileExpr(args[0], scope), Op.JUMP_IF_STACK_NOT_NULL, fallback.length + 1, Op.POP, ...fallback]
    }
    case 'multiIf':
      return compileMultiIf(args, node, scope)
    case 'not':
      expectArgs(name, args, 1, node)
      return [...compileExpr(args[0], scope), Op.NOT]
    default: {
      if (args.length < 1) fail(`function '${name}' takes at least 1 argument`, node)
      const op = name === 'and' ? Op.AND : Op.OR
      return [...args.flatMap((a) => compileExpr(a, scope)), op, args.length]
    }
  }
}

function compileIf(condition: HogNode, then: HogNode, otherwise: HogNode | null, scope: Scope): Bytecode {
  const thenCode = compileExpr(then, scope)
  const elseCode = otherwise ? compileExpr(otherwise, scope) : [Op.NULL]
  return [...compileExpr(condition, scope), Op.JUMP_IF_FALSE, thenCode.length + 2, ...thenCode, Op.JUMP, elseCode.length, ...elseCode]
}

/** multiIf(c1, v1, c2, v2, ..., default): without a default, null. */
function compileMultiIf(args: HogNode[], node: HogNode, scope: Scope): Bytecode {
  if (args.length < 2) fail(`function 'multiIf' takes pairs of condition and value, and an optional default`, node)
  const [condition, value, ...rest] = args
  const otherwise: HogNode | null = rest.length === 0 ? null : rest.length === 1 ? rest[0] : { node: 'Call', name: 'multiIf', args: rest, start: node.start }
  return compileIf(condition, value, otherwise, scope)
}
