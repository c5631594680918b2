// Bundles the PostHog plugin into one CommonJS file, dist/plugin.js, as a plugin server loads it.
const fs = require('node:fs')
const path = require('node:path')
const esbuild = require('esbuild')

const root = path.resolve(__dirname, '..')

// A plugin server loads one file: the template and mapping JSON files are inlined in place of
// src/template/files.ts, which reads them from disk.
const inlinePackageFiles = {
  name: 'inline-package-files',
  setup(build) {
    build.onResolve({ filter: /^\.\/files$/ }, (args) => (args.importer.endsWith(path.join('src', 'template', 'load.ts')) ? { path: 'package-files', namespace: 'inline' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'inline' }, () => {
      const files = {}
      for (const dir of ['templates', 'mappings']) {
        for (const name of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.json'))) {
          files[`${dir}/${name}`] = fs.readFileSync(path.join(root, dir, name), 'utf8')
        }
      }
      const contents = `
        const files = ${JSON.stringify(files)}
        exports.readPackageFile = (p) => {
          if (!Object.prototype.hasOwnProperty.call(files, p)) throw new Error('no such file in the bundle: ' + p)
          return files[p]
        }`
      return { contents, loader: 'js' }
    })
  },
}

// Runs inside the bundle, where neither Buffer nor atob may exist (a plugin server's sandbox).
function decodeBase64(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const values = new Uint8Array(128)
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  let o = 0
  for (let i = 0; i < text.length; i += 4) {
    const n = (values[text.charCodeAt(i)] << 18) | (values[text.charCodeAt(i + 1)] << 12) | (values[text.charCodeAt(i + 2)] << 6) | values[text.charCodeAt(i + 3)]
    if (o < out.length) out[o++] = n >> 16
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}

// re2-wasm reads re2.wasm from beside its own file at load time; the bundle carries the bytes instead.
const inlineRe2Wasm = {
  name: 'inline-re2-wasm',
  setup(build) {
    build.onLoad({ filter: /re2-wasm[\\/]build[\\/]wasm[\\/]re2\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8')
      const bytes = fs.readFileSync(path.join(path.dirname(args.path), 're2.wasm')).toString('base64')
      const marker = "var wasmBinaryFile = 're2.wasm';"
      if (!source.includes(marker)) throw new Error('re2-wasm changed: cannot inline its WebAssembly')
      const inlined = `wasmBinary = (${decodeBase64.toString()})(${JSON.stringify(bytes)});\n${marker}`
      return { contents: source.replace(marker, inlined), loader: 'js' }
    })
  },
}

esbuild
  .build({
    entryPoints: [path.join(root, 'src/plugin/index.ts')],
    outfile: path.join(root, 'dist/plugin.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The parser's ESM build locates itself through import.meta.url, which a bundle does not have.
    alias: { '@posthog/hogql-parser': require.resolve('@posthog/hogql-parser') },
    plugins: [inlinePackageFiles, inlineRe2Wasm],
    logLevel: 'warning',
  })
  .catch(() => process.exit(1))
