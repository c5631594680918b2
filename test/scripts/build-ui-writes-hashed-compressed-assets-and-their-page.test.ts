import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { type BuiltUi, buildFixtureUi, FIXTURE_ENTRY } from '../helpers/ui-build'

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'build-ui.js')

let built: BuiltUi
const asset = (publicPath: string) => path.join(built.dir, 'assets', path.basename(publicPath))

beforeAll(async () => {
  built = await buildFixtureUi()
})

afterAll(() => built.remove())

describe('scripts/build-ui.js', () => {
  it('names the script and the stylesheet by their content hash, under /ui/assets', () => {
    expect(built.manifest.script).toMatch(/^\/ui\/assets\/main-[A-Z0-9]{8}\.js$/)
    expect(built.manifest.styles).toEqual([expect.stringMatching(/^\/ui\/assets\/main-[A-Z0-9]{8}\.css$/)])
    expect(fs.readdirSync(path.join(built.dir, 'assets')).sort()).toEqual(
      [built.manifest.script, built.manifest.styles[0]]
        .map((p) => path.basename(p))
        .flatMap((name) => [name, `${name}.br`, `${name}.gz`])
        .sort(),
    )
  })

  it('writes an index.html that loads them, with no inline script or style, an #app and a noscript line', () => {
    const html = fs.readFileSync(path.join(built.dir, 'index.html'), 'utf8')
    expect(html).toContain(`<script type="module" src="${built.manifest.script}"></script>`)
    expect(html).toContain(`<link rel="stylesheet" href="${built.manifest.styles[0]}">`)
    expect(html).toContain('<div id="app"></div>')
    expect(html).toMatch(/<noscript>[^<]+<\/noscript>/)
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
  })

  it('minifies: the bundle keeps what the page does, not the comments of its source', () => {
    const js = fs.readFileSync(asset(built.manifest.script), 'utf8')
    expect(js).toContain('/api/ui/session')
    expect(js).not.toContain('A tiny page')
    expect(js.split('\n').length).toBeLessThanOrEqual(2)
    expect(fs.readFileSync(asset(built.manifest.styles[0]), 'utf8')).toBe('#status{font-weight:700;color:#1d4ed8}\n')
  })

  it('precompresses each asset as .br and .gz, which decompress to the asset, with their sizes in the manifest', () => {
    for (const publicPath of [built.manifest.script, ...built.manifest.styles]) {
      const original = fs.readFileSync(asset(publicPath))
      const br = fs.readFileSync(`${asset(publicPath)}.br`)
      const gz = fs.readFileSync(`${asset(publicPath)}.gz`)
      expect(zlib.brotliDecompressSync(br).equals(original)).toBe(true)
      expect(zlib.gunzipSync(gz).equals(original)).toBe(true)
      expect(built.manifest.files[path.basename(publicPath)]).toEqual({ bytes: original.length, br: br.length, gzip: gz.length })
    }
  })

  it('gives a changed source a new name and an unchanged one the same', async () => {
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-ui-src-'))
    const again = await buildFixtureUi()
    try {
      fs.copyFileSync(FIXTURE_ENTRY, path.join(copyDir, 'main.ts'))
      fs.writeFileSync(path.join(copyDir, 'fixture.css'), '#status { color: #b91c1c; }\n')
      const changed = await buildFixtureUi(path.join(copyDir, 'main.ts'))
      try {
        expect(again.manifest.script).toBe(built.manifest.script)
        expect(changed.manifest.styles[0]).not.toBe(built.manifest.styles[0])
      } finally {
        changed.remove()
      }
    } finally {
      again.remove()
      fs.rmSync(copyDir, { recursive: true, force: true })
    }
  })

  it('run by npm run build without the page entry, builds nothing and says so', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-ui-none-'))
    try {
      const missing = path.join(outdir, 'no-such-main.tsx')
      const output = execFileSync('node', [SCRIPT, '--entry', missing, '--outdir', path.join(outdir, 'ui')], { encoding: 'utf8' })
      expect(output).toBe(`build-ui: ${missing} does not exist yet: no page built\n`)
      expect(fs.readdirSync(outdir)).toEqual([])
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true })
    }
  })

  it('run from the command line with an entry, builds it and reports the sizes', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-ui-cli-'))
    try {
      const output = execFileSync('node', [SCRIPT, '--entry', FIXTURE_ENTRY, '--outdir', outdir], { encoding: 'utf8' })
      expect(output).toMatch(new RegExp(`^build-ui: 2 assets in ${outdir}: \\d+ bytes, \\d+ bytes brotli-compressed\\n$`))
      expect(fs.existsSync(path.join(outdir, 'index.html'))).toBe(true)
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true })
    }
  })
})
