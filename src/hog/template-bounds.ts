/**
 * Bounds a Hog template string must keep before it reaches the WebAssembly parser. The parser's
 * cost grows with the square of nested calls (`lower(` ×100 takes 16 s) and its stack overflows
 * on a few hundred nested brackets or operators (a trap that leaves the module unusable), so both
 * are measured here with a cheap scan, which skips string literals. An f-string inside a hole is
 * refused: its own holes would make the scan lose track of what is string and what is expression. Measured on the prebuilt mappings: at most 104 characters,
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
const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' }

interface Frame {
  /** The bracket that ends it: a mismatched one is refused, so the scan can never leave an expression early. */
  closer: string
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
  let quote: string | undefined
  const open = (opener: string) => {
    const paren = opener === '('
    if (paren) callCost += parens
    frames.push({ closer: CLOSERS[opener], paren, pending: 0, lambdas: 0 })
    nesting += 1
    if (paren) parens += 1
  }
  const close = (closer: string): boolean => {
    const frame = frames.pop()
    if (!frame || frame.closer !== closer) return false
    nesting -= 1 + frame.pending
    parens -= (frame.paren ? 1 : 0) + frame.lambdas
    return true
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
      else if (c === '{') open(c)
      continue
    }
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue
    chars += 1
    if (quote !== undefined) {
      if (c === '\\') i += 1
      else if (c === quote) quote = undefined
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (WORD.test(c)) {
      let end = i + 1
      while (end < text.length && WORD.test(text[end])) end += 1
      chars += end - i - 1
      chain = text[i - 1] === '.' ? chain + 1 : 1
      if (chain > bounds.chain) return `a property chain longer than ${bounds.chain} segments`
      const word = text.slice(i, end).toLowerCase()
      if (word === 'f' && text[end] === "'") return 'f-strings are not supported inside a template; use concat()'
      if (word === 'not') pend()
      i = end - 1
    } else if (c === '(' || c === '[' || c === '{') open(c)
    else if (c === ')' || c === ']' || c === '}') {
      if (!close(c)) return 'unbalanced brackets'
    } else if (c === '?') {
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
