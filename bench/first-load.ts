import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

/** The budget for the page's first load, over the wire (brotli). */
export const FIRST_LOAD_LIMIT_BYTES = 400 * 1024

// Where index.html (scripts/build-ui.js) links the page's assets from.
const ASSETS_PATH = '/ui/assets/'

export interface FileWeight {
  file: string
  bytes: number
  br: number
  gzip: number
}

export interface FirstLoad {
  files: FileWeight[]
  total: { bytes: number; br: number; gzip: number }
  limit_br_bytes: number
  within_limit: boolean
}

// What a browser fetches before the page can run: index.html's script and stylesheet links, the
// chunks a script imports statically (an `import()` loads later, on demand), the files a stylesheet names.
const HTML_LINKS = /<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g
// esbuild puts a module's static imports first: only that head is read, never strings in the code.
const LEADING_IMPORT = /\s*import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']\s*;?/y
const CSS_URLS = /url\(\s*["']?([^"')]+)["']?\s*\)/g

function matches(pattern: RegExp, text: string): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1])
}

/** The asset (a file name in assets/) that `reference` names from `from`, or none when it is not one of the page's assets. */
function assetName(reference: string, from: string | undefined): string | undefined {
  const url = new URL(reference, `http://page${from ? ASSETS_PATH + from : '/'}`)
  if (url.host !== 'page' || !url.pathname.startsWith(ASSETS_PATH)) return undefined
  return url.pathname.slice(ASSETS_PATH.length)
}

function leadingImports(code: string): string[] {
  const found: string[] = []
  const pattern = new RegExp(LEADING_IMPORT)
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) found.push(match[1])
  return found
}

function referencesOf(name: string, text: string): string[] {
  if (name.endsWith('.js')) return leadingImports(text)
  if (name.endsWith('.css')) return matches(CSS_URLS, text)
  return []
}

// The precompressed file the build wrote beside an asset (what the server sends), else the file compressed
// here: index.html, which the server sends as it is (a few hundred bytes either way).
function sentSize(file: string, suffix: string, data: Buffer, compress: (data: Buffer) => Buffer): number {
  return fs.existsSync(file + suffix) ? fs.statSync(file + suffix).size : compress(data).length
}

function weigh(label: string, file: string, data: Buffer): FileWeight {
  const br = sentSize(file, '.br', data, (raw) => zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }))
  const gzip = sentSize(file, '.gz', data, (raw) => zlib.gzipSync(raw, { level: 9 }))
  return { file: label, bytes: data.length, br, gzip }
}

/**
 * The bytes of the built page's first load (`uiDir`, as scripts/build-ui.js writes it): index.html and
 * every asset it loads before the page runs, raw and compressed, per file and in total, against the limit.
 */
export function firstLoadWeight(uiDir: string): FirstLoad {
  const html = fs.readFileSync(path.join(uiDir, 'index.html'))
  const files = [weigh('index.html', path.join(uiDir, 'index.html'), html)]
  const queue = matches(HTML_LINKS, html.toString()).flatMap((reference) => assetName(reference, undefined) ?? [])
  const seen = new Set<string>()
  while (queue.length > 0) {
    const name = queue.shift() as string
    if (seen.has(name)) continue
    seen.add(name)
    const file = path.join(uiDir, 'assets', name)
    if (!fs.existsSync(file)) throw new Error(`the page loads ${ASSETS_PATH}${name}, which the build did not write`)
    const data = fs.readFileSync(file)
    files.push(weigh(name, file, data))
    for (const reference of referencesOf(name, data.toString())) {
      const asset = assetName(reference, name)
      if (asset) queue.push(asset)
    }
  }
  const total = files.reduce((sum, f) => ({ bytes: sum.bytes + f.bytes, br: sum.br + f.br, gzip: sum.gzip + f.gzip }), { bytes: 0, br: 0, gzip: 0 })
  return { files, total, limit_br_bytes: FIRST_LOAD_LIMIT_BYTES, within_limit: total.br <= FIRST_LOAD_LIMIT_BYTES }
}
