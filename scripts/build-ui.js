// Builds the Data pipelines page: bundles its entry (src/ui/main.tsx) with esbuild into hashed, minified
// assets under <outdir>/assets, precompressed beside each (.br, .gz), and writes <outdir>/index.html,
// which loads them (no inline script or style: the page's CSP forbids them) and a small manifest.json.
// `node scripts/build-ui.js [--entry FILE] [--outdir DIR]`; tests build a fixture entry into a temp dir.
const fs = require('node:fs')
const path = require('node:path')
const zlib = require('node:zlib')
const esbuild = require('esbuild')

const root = path.resolve(__dirname, '..')
const DEFAULTS = { entry: path.join(root, 'src/ui/main.tsx'), outdir: path.join(root, 'dist/ui') }
const PUBLIC_PATH = '/ui/assets'
const COMPRESSED = new Set(['.js', '.css', '.svg', '.json', '.map'])

function compress(file) {
  const data = fs.readFileSync(file)
  const br = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } })
  const gz = zlib.gzipSync(data, { level: 9 })
  fs.writeFileSync(`${file}.br`, br)
  fs.writeFileSync(`${file}.gz`, gz)
  return { bytes: data.length, br: br.length, gzip: gz.length }
}

const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function indexHtml(script, styles, title) {
  const links = styles.map((href) => `    <link rel="stylesheet" href="${escapeAttribute(href)}">\n`).join('')
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml">
${links}    <script type="module" src="${escapeAttribute(script)}"></script>
  </head>
  <body>
    <noscript>The Data pipelines page needs JavaScript: turn it on for this site, or use the REST API.</noscript>
    <div id="app"></div>
  </body>
</html>
`
}

/** Builds `entry` into `outdir` (emptied first); resolves to the manifest, or to null when there is no entry. */
async function buildUi({ entry = DEFAULTS.entry, outdir = DEFAULTS.outdir, title = 'Data pipelines' } = {}) {
  if (!fs.existsSync(entry)) return null
  const assets = path.join(outdir, 'assets')
  fs.rmSync(outdir, { recursive: true, force: true })
  const result = await esbuild.build({
    entryPoints: { main: entry },
    outdir: assets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    // Nothing of the sources or the build machine's paths goes out with the page.
    sourcemap: false,
    legalComments: 'none',
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    publicPath: PUBLIC_PATH,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.svg': 'file', '.woff2': 'file', '.png': 'file' },
    metafile: true,
    logLevel: 'warning',
  })
  const outputs = Object.entries(result.metafile.outputs)
  const main = outputs.find(([, output]) => output.entryPoint !== undefined && output.cssBundle !== undefined) ?? outputs.find(([file]) => file.endsWith('.js'))
  const publicName = (file) => `${PUBLIC_PATH}/${path.basename(file)}`
  const script = publicName(main[0])
  const styles = main[1].cssBundle ? [publicName(main[1].cssBundle)] : []
  const files = {}
  for (const [file] of outputs) {
    const absolute = path.resolve(file)
    const name = path.basename(absolute)
    files[name] = COMPRESSED.has(path.extname(name)) ? compress(absolute) : { bytes: fs.statSync(absolute).size }
  }
  fs.writeFileSync(path.join(outdir, 'index.html'), indexHtml(script, styles, title))
  const manifest = { script, styles, files }
  fs.writeFileSync(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

function parseArgs(argv) {
  const options = {}
  for (let i = 0; i < argv.length; i += 2) {
    const name = { '--entry': 'entry', '--outdir': 'outdir' }[argv[i]]
    if (!name || argv[i + 1] === undefined) throw new Error(`usage: node scripts/build-ui.js [--entry FILE] [--outdir DIR] (unknown or incomplete option: ${argv[i]})`)
    options[name] = path.resolve(argv[i + 1])
  }
  return options
}

if (require.main === module) {
  let options
  try {
    options = parseArgs(process.argv.slice(2))
  } catch (error) {
    console.error(error.message)
    process.exit(2)
  }
  const entry = options.entry ?? DEFAULTS.entry
  buildUi(options).then(
    (manifest) => {
      if (!manifest) return console.log(`build-ui: ${path.relative(root, entry).startsWith('..') ? entry : path.relative(root, entry)} does not exist yet: no page built`)
      const sizes = Object.values(manifest.files).reduce((sum, f) => ({ bytes: sum.bytes + f.bytes, br: sum.br + (f.br ?? f.bytes) }), { bytes: 0, br: 0 })
      console.log(`build-ui: ${Object.keys(manifest.files).length} assets in ${options.outdir ?? DEFAULTS.outdir}: ${sizes.bytes} bytes, ${sizes.br} bytes brotli-compressed`)
    },
    (error) => {
      console.error(`build-ui: ${error.message}`)
      process.exit(1)
    },
  )
}

module.exports = { buildUi }
