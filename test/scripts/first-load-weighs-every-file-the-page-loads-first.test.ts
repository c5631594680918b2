import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { firstLoadWeight } from '../../bench/first-load'

let dir: string

function write(name: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
  fs.writeFileSync(path.join(dir, name), text)
}

const INDEX = `<!doctype html><html><head>
<link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/ui/assets/main.css">
<script type="module" src="/ui/assets/main.js"></script>
</head><body></body></html>`

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-first-load-'))
  write('index.html', INDEX)
  write('assets/main.css', '.logo{background:url(/ui/assets/logo.svg)}.x{background:url("./dot.png")}')
  write('assets/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>')
  write('assets/dot.png', 'PNG')
  write('assets/main.js', 'import{a as b}from"./chunk-1.js";import"./chunk-2.js";const later=()=>import("./editor.js");const text="import \\"./not-a-module.js\\"";b(later,text)')
  write('assets/chunk-1.js', 'import"./chunk-2.js";export const a=(x)=>x')
  write('assets/chunk-2.js', 'globalThis.two=2')
  write('assets/editor.js', 'export const editor=1')
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('the first load of a built page', () => {
  it('is index.html, what it links, the chunks imported statically and the files stylesheets name, each once', () => {
    const names = firstLoadWeight(dir).files.map((f) => f.file)
    expect(names).toEqual(['index.html', 'main.css', 'main.js', 'logo.svg', 'dot.png', 'chunk-1.js', 'chunk-2.js'])
  })

  it('counts an asset by its precompressed files when the build wrote them, else compresses it', () => {
    write('assets/main.js.br', 'b'.repeat(11))
    write('assets/main.js.gz', 'g'.repeat(13))
    const files = Object.fromEntries(firstLoadWeight(dir).files.map((f) => [f.file, f]))
    const js = fs.readFileSync(path.join(dir, 'assets/main.js'))
    expect(files['main.js']).toEqual({ file: 'main.js', bytes: js.length, br: 11, gzip: 13 })
    expect(files['index.html'].bytes).toBe(Buffer.byteLength(INDEX))
    expect(files['index.html'].gzip).toBe(zlib.gzipSync(INDEX, { level: 9 }).length)
  })

  it('adds the files up and compares the brotli total with the 400 KB limit', () => {
    const small = firstLoadWeight(dir)
    expect(small.total.bytes).toBe(small.files.reduce((sum, f) => sum + f.bytes, 0))
    expect(small.total.br).toBe(small.files.reduce((sum, f) => sum + f.br, 0))
    expect(small).toMatchObject({ limit_br_bytes: 409_600, within_limit: true })
    write('assets/chunk-2.js.br', 'x'.repeat(409_600))
    expect(firstLoadWeight(dir).within_limit).toBe(false)
  })

  it('names an asset that the page loads and the build did not write', () => {
    fs.rmSync(path.join(dir, 'assets/chunk-2.js'))
    expect(() => firstLoadWeight(dir)).toThrow('the page loads /ui/assets/chunk-2.js, which the build did not write')
  })
})
