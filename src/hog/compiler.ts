import { Operation } from '@posthog/hogvm'
import { functionArity, isForbidden, SPECIAL_FORMS } from './functions'
import { HogNode, nodePosition } from './parser'

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

const COMPARE_OPS: Record<string, Operation> = {
  '==': Operation.EQ,
  '!=': Operation.NOT_EQ,
  '>': Operation.GT,
  '>=': Operation.GT_EQ,
  '<': Operation.LT,
  '<=': Operation.LT_EQ,
  like: Operation.LIKE,
  ilike: Operation.ILIKE,
  'not like': Operation.NOT_LIKE,
  'not ilike': Operation.NOT_ILIKE,
  in: Operation.IN,
  'not in': Operation.NOT_IN,
  '=~': Operation.REGEX,
  '!~': Operation.NOT_REGEX,
  '=~*': Operation.IREGEX,
  '!~*': Operation.NOT_IREGEX,
}

const ARITHMETIC_OPS: Record<string, Operation> = {
  '+': Operation.PLUS,
  '-': Operation.MINUS,
  '*': Operation.MULTIPLY,
  '/': Operation.DIVIDE,
  '%': Operation.MOD,
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
      return [
        ...compileExpr(child(node, 'array'), scope),
        ...compileExpr(child(node, 'property'), scope),
        node.nullish ? Operation.GET_PROPERTY_NULLISH : Operation.GET_PROPERTY,
      ]
    case 'TupleAccess':
      return [
        ...compileExpr(child(node, 'tuple'), scope),
        Operation.INTEGER,
        node.index,
        node.nullish ? Operation.GET_PROPERTY_NULLISH : Operation.GET_PROPERTY,
      ]
    case 'Array':
    case 'Tuple': {
      const exprs = node.exprs as HogNode[]
      const op = node.node === 'Array' ? Operation.ARRAY : Operation.TUPLE
      return [...exprs.flatMap((e) => compileExpr(e, scope)), op, exprs.length]
    }
    case 'Dict': {
      const items = node.items as [HogNode, HogNode][]
      const code = items.flatMap(([k, v]) => [...compileExpr(k, scope), ...compileExpr(v, scope)])
      return [...code, Operation.DICT, items.length]
    }
    case 'And':
    case 'Or': {
      const exprs = node.exprs as HogNode[]
      const op = node.node === 'And' ? Operation.AND : Operation.OR
      return [...exprs.flatMap((e) => compileExpr(e, scope)), op, exprs.length]
    }
    case 'Not':
      return [...compileExpr(child(node, 'expr'), scope), Operation.NOT]
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
      return [...args.flatMap((a) => compileExpr(a, scope)), ...compileExpr(child(node, 'expr'), scope), Operation.CALL_LOCAL, args.length]
    }
    case 'Lambda':
      return compileLambda(node, scope)
    default:
      return fail(`unsupported syntax (${node.node}) in a template`, node)
  }
}

function compileConstant(node: HogNode): Bytecode {
  const value = node.value
  if (value === null || value === undefined) return [Operation.NULL]
  if (value === true) return [Operation.TRUE]
  if (value === false) return [Operation.FALSE]
  if (typeof value === 'string') return [Operation.STRING, value]
  if (typeof value === 'number') return Number.isInteger(value) ? [Operation.INTEGER, value] : [Operation.FLOAT, value]
  return fail(`unsupported constant ${JSON.stringify(value)}`, node)
}

function compileField(node: HogNode, scope: Scope): Bytecode {
  const chain = node.chain as (string | number)[]
  const [head, ...rest] = chain
  const name = String(head)
  const properties = rest.flatMap((key) => [...compileConstant({ node: 'Constant', value: key }), Operation.GET_PROPERTY])
  const local = scope.locals.indexOf(name)
  if (local >= 0) return [Operation.GET_LOCAL, local, ...properties]
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
  return [...reversed, Operation.GET_GLOBAL, chain.length]
}

function compileBinary(node: HogNode, ops: Record<string, Operation>, scope: Scope): Bytecode {
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
  return node.negated ? [...code, Operation.NOT] : code
}

function compileLambda(node: HogNode, scope: Scope): Bytecode {
  const args = node.args as string[]
  const inner = new Scope(args, scope)
  const body = [...compileExpr(child(node, 'expr'), inner), Operation.RETURN]
  return [Operation.CALLABLE, 'lambda', args.length, 0, body.length, ...body, Operation.CLOSURE, 0]
}

function compileCall(node: HogNode, scope: Scope): Bytecode {
  const name = String(node.name)
  const args = (node.args ?? []) as HogNode[]
  if (node.params) fail(`parametric call ${name}(...)(...) is not supported`, node)
  const compiled = () => args.flatMap((a) => compileExpr(a, scope))
  if (scope.locals.includes(name) || scope.isOuterLocal(name)) {
    const callee = compileField({ node: 'Field', chain: [name], start: node.start }, scope)
    return [...compiled(), ...callee, Operation.CALL_LOCAL, args.length]
  }
  if (SPECIAL_FORMS.has(name)) return compileSpecialForm(name, args, node, scope)
  if (isForbidden(name)) fail(`function '${name}' cannot be used in a template`, node)
  const arity = functionArity(name)
  if (!arity) fail(`unknown function '${name}'`, node)
  if (args.length < arity.min || args.length > arity.max) {
    const expected = arity.min === arity.max ? `${arity.min}` : `${arity.min} to ${arity.max}`
    fail(`function '${name}' takes ${expected} arguments, got ${args.length}`, node)
  }
  return [...compiled(), Operation.CALL_GLOBAL, name, args.length]
}

function expectArgs(name: string, args: HogNode[], count: number, node: HogNode): void {
  if (args.length !== count) fail(`function '${name}' takes ${count} arguments, got ${args.length}`, node)
}

function compileSpecialForm(name: string, args: HogNode[], node: HogNode, scope: Scope): Bytecode {
  switch (name) {
    case 'if': {
      expectArgs(name, args, 3, node)
      return compileIf(args[0], args[1], args[2], scope)
    }
    case 'ifNull': {
      expectArgs(name, args, 2, node)
      const fallback = compileExpr(args[1], scope)
      return [...compileExpr(args[0], scope), Operation.JUMP_IF_STACK_NOT_NULL, fallback.length + 1, Operation.POP, ...fallback]
    }
    case 'multiIf':
      return compileMultiIf(args, node, scope)
    case 'not':
      expectArgs(name, args, 1, node)
      return [...compileExpr(args[0], scope), Operation.NOT]
    default: {
      if (args.length < 1) fail(`function '${name}' takes at least 1 argument`, node)
      const op = name === 'and' ? Operation.AND : Operation.OR
      return [...args.flatMap((a) => compileExpr(a, scope)), op, args.length]
    }
  }
}

function compileIf(condition: HogNode, then: HogNode, otherwise: HogNode | null, scope: Scope): Bytecode {
  const thenCode = compileExpr(then, scope)
  const elseCode = otherwise ? compileExpr(otherwise, scope) : [Operation.NULL]
  return [
    ...compileExpr(condition, scope),
    Operation.JUMP_IF_FALSE, thenCode.length + 2, ...thenCode,
    Operation.JUMP, elseCode.length, ...elseCode,
  ]
}

function compileMultiIf(args: HogNode[], node: HogNode, scope: Scope): Bytecode {
  if (args.length < 3 || args.length % 2 === 0) {
    fail(`function 'multiIf' takes pairs of condition and value followed by a default`, node)
  }
  const [condition, value, ...rest] = args
  const otherwise: HogNode = rest.length === 1 ? rest[0] : { node: 'Call', name: 'multiIf', args: rest, start: node.start }
  return compileIf(condition, value, otherwise, scope)
}
