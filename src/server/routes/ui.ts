import { readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { packageRoot } from '../../template/files'
import { loadTemplate } from '../../template/load'
import { DESTINATION_ICON_SVG, PAGE_ICON_SVG } from '../icons'

/** Where `npm run build` puts the page (scripts/build-ui.js): the package's dist/ui. */
export const DEFAULT_UI_DIR = join(packageRoot(__dirname), 'dist', 'ui')

/** The page's policy: its own scripts, styles and API only, nothing inline, never framed. */
export const PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** Where index.html (scripts/build-ui.js) links the page's icon. */
export const PAGE_ICON_PATH = '/favicon.svg'

const IMMUTABLE = 'public, max-age=31536000, immutable'

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
}

// A built asset's name: no separators, no leading dot, so that no request leaves the assets folder.
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,200}$/

type Encoding = 'br' | 'gzip' | 'identity'

/** The encodings the client takes (q > 0), from Accept-Encoding, in the order this server prefers them. */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const weights = new Map<string, number>()
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean)
    weights.set(name, q ? Number(q[1]) : 1)
  }
  const takes = (name: string) => (weights.get(name) ?? (name === 'identity' ? (weights.get('*') ?? 1) : (weights.get('*') ?? 0))) > 0
  return (['br', 'gzip', 'identity'] as const).filter(takes)
}

const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz', identity: '' }

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path)
  } catch {
    return undefined
  }
}

const notBuilt = (reply: FastifyReply) =>
  reply
    .code(503)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', PAGE_CSP)
    .send(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data pipelines: not built</title></head><body><h1>The Data pipelines page is not built</h1><p>Run <code>npm run build</code>, then reload this page.</p></body></html>\n',
    )

const notFoundAsset = (reply: FastifyReply) => reply.code(404).header('cache-control', 'no-store').send({ type: 'invalid_request', code: 'not_found', detail: 'Not found.', attr: null })

/** The Data pipelines page: its HTML at `/`, its hashed assets (precompressed) and the destination's icon. */
export function registerUiRoutes(app: FastifyInstance, uiDir: string = DEFAULT_UI_DIR): void {
  const assetsDir = join(uiDir, 'assets')
  app.get('/', async (_request, reply) => {
    const html = await readIfPresent(join(uiDir, 'index.html'))
    if (!html) return notBuilt(reply)
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', PAGE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(html)
  })
  app.get('/ui/assets/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*']
    const type = CONTENT_TYPES[extname(name)]
    if (!ASSET_NAME.test(name) || !type) return notFoundAsset(reply)
    for (const encoding of acceptedEncodings(request.headers['accept-encoding'])) {
      const body = await readIfPresent(join(assetsDir, name + SUFFIX[encoding]))
      if (!body) continue
      if (encoding !== 'identity') reply.header('content-encoding', encoding)
      return reply.header('content-type', type).header('cache-control', IMMUTABLE).header('vary', 'accept-encoding').header('x-content-type-options', 'nosniff').send(body)
    }
    return notFoundAsset(reply)
  })
  const { icon_url } = loadTemplate()
  if (icon_url.startsWith('/')) app.get(icon_url, async (_request, reply) => sendIcon(reply, DESTINATION_ICON_SVG))
  app.get(PAGE_ICON_PATH, async (_request, reply) => sendIcon(reply, PAGE_ICON_SVG))
  // Browsers ask for /favicon.ico whatever the page links; the same icon spares a 404 in the console.
  app.get('/favicon.ico', async (_request, reply) => sendIcon(reply, PAGE_ICON_SVG))
}

const sendIcon = (reply: FastifyReply, svg: string) =>
  reply
    .header('content-type', 'image/svg+xml')
    .header('cache-control', 'public, max-age=86400')
    .header('content-security-policy', "default-src 'none'")
    .header('x-content-type-options', 'nosniff')
    .send(svg)
