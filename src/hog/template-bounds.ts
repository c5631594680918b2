/**
 * Bounds a Hog template string must keep before it reaches the WebAssembly parser. The parser's
 * cost grows with the square of nested calls (`lower(` ×100 takes 16 s) and its stack overflows
 * on a few hundred nested brackets or operators (a trap that leaves the module unusable), so both
 * are measured here with a cheap scan. The scan over-counts rather than under-counts: brackets
 * inside string literals count too. Measured on the prebuilt mappings: at most 104 characters,
 * nesting 3, call cost 1; the worst template these bounds accept parses in about 50 ms.
 */
export const TEMPLATE_BOUNDS = {
  /** Characters of the whole template, plain text included. */
  length: 5_000,
  /** Non-blank characters inside `{...}` holes. */
  expressionChars: 250,
  /** Open brackets of any kind, plus `?`/`??`, `not` and `->` pending in them. */
  nesting: 12,
  /** Each `(` costs the number of `(` (and lambdas) around it: `lower(lower(lower(lower(x))))` costs 6. */
  callCost: 8,
  /** Segments of one property chain, `event.properties.a` being 3. */
  chain: 8,
} as const

const WORD = /[A-Za-z0-9_$@]/

interface Frame {
  paren: boolean
  /** Right-recursive operators (`?`, `??`, `not`, `->`) seen since the bracket opened. */
  pending: number
  /** Lambdas opened in this frame, which nest later calls as a `(` would. */
  lambdas: number
}

/** Why `text` is out of bounds, or undefined when the parser may have it. */
export function templateOutOfBounds(text: string): string | undefined {
  const bounds = TEMPLATE_BOUNDS
  if (text.length > bounds.length) return `template longer than ${bounds.length} characters`
  const frames: Frame[] = []
  let nesting = 0
  let parens = 0
  let callCost = 0
  let chars = 0
  let chain = 0
  const open = (paren: boolean) => {
    if (paren) callCost += parens
    frames.push({ paren, pending: 0, lambdas: 0 })
    nesting += 1
    if (paren) parens += 1
  }
  const close = () => {
    const frame = frames.pop()
    if (!frame) return
    nesting -= 1 + frame.pending
    parens -= (frame.paren ? 1 : 0) + frame.lambdas
  }
  const pend = (lambda = false) => {
    const frame = frames[frames.length - 1]
    frame.pending += 1
    nesting += 1
    if (lambda) {
      frame.lambdas += 1
      parens += 1
    }
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (frames.length === 0) {
      // Plain text: only an unescaped `{` opens an expression.
      if (c === '\\') i += 1
      else if (c === '{') open(false)
      continue
    }
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue
    chars += 1
    if (WORD.test(c)) {
      let end = i + 1
      while (end < text.length && WORD.test(text[end])) end += 1
      chars += end - i - 1
      chain = text[i - 1] === '.' ? chain + 1 : 1
      if (chain > bounds.chain) return `a property chain longer than ${bounds.chain} segments`
      if (text.slice(i, end).toLowerCase() === 'not') pend()
      i = end - 1
    } else if (c === '(' || c === '[' || c === '{') open(c === '(')
    else if (c === ')' || c === ']' || c === '}') close()
    else if (c === '?') {
      pend()
      if (text[i + 1] === '?') i += 1
    } else if (c === ',') {
      // A comma ends the ternaries, `not`s and lambda bodies of one argument or item.
      const frame = frames[frames.length - 1]
      nesting -= frame.pending
      parens -= frame.lambdas
      frame.pending = 0
      frame.lambdas = 0
    } else if (c === '-' && text[i + 1] === '>') {
      pend(true)
      i += 1
    }
    if (nesting > bounds.nesting) return `expression nested deeper than ${bounds.nesting} levels`
    if (callCost > bounds.callCost) return `too many nested function calls (each call inside another costs its depth; at most ${bounds.callCost} in all)`
    if (chars > bounds.expressionChars) return `expressions longer than ${bounds.expressionChars} characters`
  }
  return undefined
}
