/**
 * Where a JSON text first goes wrong and what was expected there. Browsers' JSON.parse messages often
 * give no position, and some quote the text, which may hold a pasted secret: this names neither.
 */
export interface JsonProblem {
  line: number
  column: number
  expected: string
}

class Stop {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r'])
const LITERALS = ['true', 'false', 'null']
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings, which is what this checks
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

/** A recursive-descent check of `text` (RFC 8259): its first problem, or null when it finds none. */
export function jsonProblem(text: string): JsonProblem | null {
  let i = 0
  const space = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++
  }
  const match = (pattern: RegExp, expected: string) => {
    pattern.lastIndex = i
    if (!pattern.test(text)) throw new Stop(i, expected)
    i = pattern.lastIndex
  }
  const token = (char: string) => {
    space()
    if (text[i] !== char) throw new Stop(i, `“${char}”`)
    i++
  }
  const list = (close: string, item: () => void) => {
    space()
    if (text[i] === close) {
      i++
      return
    }
    for (;;) {
      item()
      space()
      if (text[i] === close) break
      if (text[i] !== ',') throw new Stop(i, `“,” or “${close}”`)
      i++
    }
    i++
  }
  const property = () => {
    space()
    match(STRING, 'a property name in double quotes')
    token(':')
    value()
  }
  const value = (): void => {
    space()
    const char = text[i]
    const literal = LITERALS.find((word) => text.startsWith(word, i))
    if (char === '{' || char === '[') {
      i++
      list(char === '{' ? '}' : ']', char === '{' ? property : value)
    } else if (char === '"') match(STRING, 'a string with valid escapes and no line breaks')
    else if (literal) i += literal.length
    else match(NUMBER, 'a value (an object, array, string, number, true, false or null)')
  }
  try {
    value()
    space()
    if (i < text.length) throw new Stop(i, 'the end of the text')
    return null
  } catch (error) {
    if (!(error instanceof Stop)) return null
    const before = text.slice(0, error.at)
    const expected = error.at >= text.length ? `${error.expected}, but the text ends` : error.expected
    return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n'), expected }
  }
}
