/**
 * What a Hog template field offers as the user types: pure, so that it is tested without a browser. A template
 * is literal text with `{expression}` holes; completion only happens inside a hole.
 */

/** Names seen in the project's recent events, offered after `event.`, `event.properties.` and `person.properties.`. */
export interface TemplateSuggestions {
  events: string[]
  eventProperties: string[]
  personProperties: string[]
}

export type CompletionKind = 'variable' | 'property' | 'function'

export interface TemplateCompletion {
  label: string
  kind: CompletionKind
  detail?: string
  /** The text that replaces the document from `insertFrom` to the cursor. */
  insert: string
  insertFrom: number
}

/** The options for the cursor's place, and where the word being completed starts. */
export interface TemplateCompletions {
  from: number
  options: TemplateCompletion[]
}

interface Member {
  name: string
  detail: string
}

const member = (name: string, detail: string): Member => ({ name, detail })

const GLOBALS: Member[] = [
  member('event', 'the event: event, uuid, distinct_id, timestamp, properties'),
  member('person', 'the person: id, name, url, properties'),
  member('project', 'the project: id, name, url'),
  member('source', 'this destination: name, url'),
  member('inputs', "the destination's inputs"),
  member('groups', "the event's groups"),
]

// A handful of Hog's standard functions that templates use most.
const FUNCTIONS = [
  'lower',
  'upper',
  'trim',
  'toString',
  'toInt',
  'toFloat',
  'toUnixTimestamp',
  'toDate',
  'toDateTime',
  'formatDateTime',
  'now',
  'concat',
  'length',
  'empty',
  'notEmpty',
  'replaceAll',
  'splitByString',
  'sha256Hex',
  'md5Hex',
  'jsonParse',
  'jsonStringify',
  'round',
]

const FIELDS: Record<string, Member[]> = {
  event: [
    member('event', 'the event name'),
    member('uuid', "the event's id"),
    member('distinct_id', "the sender's distinct id"),
    member('timestamp', 'when it happened (ISO 8601)'),
    member('properties', "the event's properties"),
    member('elements_chain', 'autocaptured elements'),
    member('url', 'link to the event'),
  ],
  person: [member('id', "the person's id"), member('name', 'display name'), member('url', 'link to the person'), member('properties', "the person's properties")],
  project: [member('id', "the project's id"), member('name', "the project's name"), member('url', 'link to the project')],
  source: [member('name', "this destination's name"), member('url', 'link to this destination')],
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** Where the scan of a template ends: inside a hole or not, and how many braces are left open. */
export interface TemplateScan {
  /** Offset just after the `{` of the hole the end is in, or null when the end is literal text. */
  holeStart: number | null
  /** Whether the end is inside a quoted string of a hole. */
  inString: boolean
  unclosed: number
}

/**
 * Scans a template: `{` opens a hole, `}` closes it; inside a hole, braces nest and quoted strings are skipped.
 * A backslash escapes the next character.
 */
export function scanTemplate(text: string): TemplateScan {
  let depth = 0
  let holeStart: number | null = null
  let quote: string | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') {
      i++
    } else if (quote) {
      if (c === quote) quote = null
    } else if (depth > 0 && (c === "'" || c === '"')) {
      quote = c
    } else if (c === '{') {
      if (depth === 0) holeStart = i + 1
      depth++
    } else if (c === '}' && depth > 0) {
      // Outside a hole, "}" is plain text.
      if (--depth === 0) holeStart = null
    }
  }
  return { holeStart, inString: quote !== null, unclosed: depth }
}

/** A short hint for a hole left open (the one brace problem Hog rejects), or undefined. */
export function braceHint(text: string): string | undefined {
  return scanTemplate(text).unclosed > 0 ? 'A "{" is not closed: end the expression with "}".' : undefined
}

function membersAt(path: string[], suggestions: TemplateSuggestions): Member[] | null {
  const [head, second] = path
  if (path.length === 2 && second === 'properties' && head === 'event') return suggestions.eventProperties.map((n) => member(n, 'seen in recent events'))
  if (path.length === 2 && second === 'properties' && head === 'person') return suggestions.personProperties.map((n) => member(n, 'seen in recent events'))
  if (path.length === 1) return FIELDS[head] ?? null
  return null
}

function ranked(members: Member[], typed: string): Member[] {
  const lower = typed.toLowerCase()
  const starts = members.filter((m) => m.name.toLowerCase().startsWith(lower))
  const contains = lower === '' ? [] : members.filter((m) => !m.name.toLowerCase().startsWith(lower) && m.name.toLowerCase().includes(lower))
  return [...starts, ...contains]
}

const MAX_OPTIONS = 200

/**
 * The completions at the end of `before` (the text from the start of the field to the cursor), or null when the
 * cursor is not in a hole or after nothing that can be completed.
 */
export function completeTemplate(before: string, suggestions: TemplateSuggestions): TemplateCompletions | null {
  const { holeStart, inString } = scanTemplate(before)
  if (holeStart === null || inString) return null
  const expression = before.slice(holeStart)
  const match = /((?:[A-Za-z_$][A-Za-z0-9_$]*\.)*)([A-Za-z_$][A-Za-z0-9_$]*)?$/.exec(expression)
  if (!match) return null
  const from = before.length - (match[2]?.length ?? 0)
  const typed = match[2] ?? ''
  // A name that follows a quote or a digit is not a path start (a string's content, a number).
  const start = before.length - match[0].length
  if (start > holeStart && /[A-Za-z0-9_$.'"]/.test(before[start - 1])) return null
  const path = match[1] === '' ? [] : match[1].slice(0, -1).split('.')
  if (path.length === 0) {
    const globals = ranked(GLOBALS, typed).map((m): TemplateCompletion => ({ label: m.name, kind: 'variable', detail: m.detail, insert: m.name, insertFrom: from }))
    const functions = ranked(
      FUNCTIONS.map((name) => member(name, 'function')),
      typed,
    ).map((m): TemplateCompletion => ({ label: m.name, kind: 'function', detail: m.detail, insert: m.name, insertFrom: from }))
    return { from, options: [...globals, ...functions].slice(0, MAX_OPTIONS) }
  }
  const members = membersAt(path, suggestions)
  if (!members) return null
  const options = ranked(members, typed)
    .slice(0, MAX_OPTIONS)
    .map((m): TemplateCompletion => {
      // A name that is not an identifier is read with brackets: `event.properties['Order ID']`, replacing the dot.
      if (IDENTIFIER.test(m.name)) return { label: m.name, kind: 'property', detail: m.detail, insert: m.name, insertFrom: from }
      return { label: m.name, kind: 'property', detail: m.detail, insert: `[${quoted(m.name)}]`, insertFrom: from - 1 }
    })
  return { from, options }
}

const quoted = (name: string) => `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
