import type { IncomingMessage, ServerResponse } from 'node:http'

export type BodyRead = { kind: 'ok'; text: string } | { kind: 'too_large' } | { kind: 'aborted' }

/**
 * Reads the whole body but keeps at most `maxBytes`: past the limit it keeps draining (answering
 * before the client finished sending would make most clients report a broken connection instead of 413).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
    })
    req.on('end', () => {
      resolve(size > maxBytes ? { kind: 'too_large' } : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') })
    })
    req.on('error', () => resolve({ kind: 'aborted' }))
    // A promise settles once, so this only counts when the body never ended.
    req.on('close', () => resolve({ kind: 'aborted' }))
  })
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

export function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(';')[0]?.trim().toLowerCase()
  return type === 'application/json'
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: string }

export function parseJson(text: string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    return { ok: false, error: (error as Error).message }
  }
}
