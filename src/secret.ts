const REDACTED = '***REDACTED***'
// Node's util.inspect looks for this symbol; using it by name keeps node:util out of the plugin bundle.
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * A secret value (the conversion token). Printing, logging or serialising it shows a redaction
 * marker; only `reveal()` gives the value, and only the HTTP layer should call it.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [INSPECT](): string {
    return REDACTED
  }
}

/** Replaces every occurrence of the secrets in a text (error messages, response bodies). */
export function redact(text: string, secrets: Secret[]): string {
  let out = text
  for (const secret of secrets) {
    const value = secret.reveal()
    if (value.length > 0) out = out.split(value).join(REDACTED)
  }
  return out
}

/** Takes the user and password out of every URL in a text (`https://user:pass@host` → `https://***@host`). */
export function hideUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@')
}
