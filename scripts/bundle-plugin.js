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
    build.onResolve({ filter: /^\.\/files$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'template', 'load.ts')) ? { path: 'package-files', namespace: 'inline' } : undefined,
    )
    build.onLoad({ filter: /.*/, namespace: 'inline' }, () => {
      const files = {}
      for (const dir of ['templates', 'mappings']) {
        for (const name of fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.json'))) {
          files[`${dir}/${name}`] = fs.readFileSync(path.join(root, dir, name), 'utf8')
        }
      }
      const contents = `
        const files = ${JSON.stringify(files)}
        exports.TEMPLATE_PATH = 'templates/pinterest-conversions-api.json'
        exports.mappingPath = (name) => 'mappings/' + name + '.json'
        exports.readPackageFile = (p) => {
          if (!Object.prototype.hasOwnProperty.call(files, p)) throw new Error('no such file in the bundle: ' + p)
          return files[p]
        }`
      return { contents, loader: 'js' }
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
    plugins: [inlinePackageFiles],
    logLevel: 'warning',
  })
  .catch(() => process.exit(1))
