import createHogQLParser from '@posthog/hogql-parser'

/** A node of PostHog's Hog AST as the WASM parser emits it (JSON). */
export interface HogNode {
  node: string
  start?: { offset: number }
  [key: string]: unknown
}

export interface HogParseError {
  message: string
  /** 0-based character offset in the template text. */
  position: number
}

type Parser = Awaited<ReturnType<typeof createHogQLParser>>

let parser: Parser | undefined
let loading: Promise<Parser> | undefined

/** The parser is WebAssembly and loads asynchronously, once per process. */
export async function loadHogParser(): Promise<void> {
  if (parser) return
  loading ??= createHogQLParser()
  parser = await loading
}

// The grammar's full-template rule expects the `F'` opener of an f-string; PostHog's own
// `parse_string_template` adds it the same way, which shifts every offset by two.
const PREFIX = "F'"

/**
 * Parses a Hog template string ("Hello {person.properties.name}") into an expression AST:
 * a Constant for plain text, the hole's own expression for a single `{...}`, or a concat() call.
 */
export function parseTemplateString(text: string): HogNode | HogParseError {
  if (!parser) throw new Error('Hog parser not loaded: await loadHogParser() first')
  const parsed = JSON.parse(parser.parseFullTemplateString(PREFIX + text, false))
  if (parsed.error) {
    return { message: String(parsed.message), position: Math.max(0, (parsed.start?.offset ?? PREFIX.length) - PREFIX.length) }
  }
  return parsed as HogNode
}

export function nodePosition(node: HogNode): number {
  return Math.max(0, (node.start?.offset ?? PREFIX.length) - PREFIX.length)
}
