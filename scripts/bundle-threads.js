// Replaces tsc's output for the mapping threads' script in dist/ with one file bundled by esbuild. A thread
// starts with an empty module cache, and resolving and loading the hundred-odd files of src/ and zod one by
// one was most of the time a `pinterest-capi map` thread took to start. Our code and zod are bundled; every
// other package is loaded from node_modules as before (native modules, WebAssembly, files read beside them).
// Only scripts that start no threads of their own can be bundled: `workerScript` finds a thread's script
// beside its caller's file, which inside a bundle is the bundle (the build stops if one would).
// dist/<entry>.js becomes scripts/thread-loader.js, which runs dist/<entry>.bundle.js with the V8 code cache
// recorded here in dist/<entry>.bundle.cache by a thread that mapped examples/events.jsonl.
// `node scripts/bundle-threads.js [--outdir DIR]` (default dist/); `npm run build` runs it after tsc.
const fs = require('node:fs')
const path = require('node:path')
const { Worker } = require('node:worker_threads')
const esbuild = require('esbuild')

const root = path.resolve(__dirname, '..')

/** Thread scripts, as paths under src/ and dist/. */
const THREAD_ENTRIES = ['mapping/mapping-worker']

const isBundled = (specifier) => specifier.startsWith('.') || specifier === 'zod' || specifier.startsWith('zod/')

const packagesStayExternal = {
  name: 'packages-stay-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (isBundled(args.path) ? undefined : { path: args.path, external: true }))
  },
}

// zod's `locales` namespace (every language's error messages, most of zod's bytes) is exported but never
// used here: zod's own English messages are imported apart from it.
const withoutZodLocales = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) => (args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'empty' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {}', loader: 'js' }))
  },
}

const STARTS_THREADS = path.join('src', 'worker-script.ts')

/**
 * Bundles src/<entry>.ts into <outdir>/<entry>.bundle.js (and its source map) and puts the loader at
 * <outdir>/<entry>.js; rejects, writing nothing, a script that starts threads of its own.
 */
async function bundleThread(entry, outdir) {
  const result = await esbuild.build({
    entryPoints: [path.join(root, 'src', `${entry}.ts`)],
    outfile: path.join(outdir, `${entry}.bundle.js`),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
    write: false,
    plugins: [packagesStayExternal, withoutZodLocales],
  })
  if (Object.keys(result.metafile.inputs).some((file) => path.normalize(file) === STARTS_THREADS)) {
    throw new Error(`src/${entry}.ts starts threads of its own (it imports src/worker-script.ts), so it cannot be bundled`)
  }
  for (const file of result.outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true })
    fs.writeFileSync(file.path, file.contents)
  }
  fs.copyFileSync(path.join(__dirname, 'thread-loader.js'), path.join(outdir, `${entry}.js`))
  // tsc's map of the file the loader replaced.
  fs.rmSync(path.join(outdir, `${entry}.js.map`), { force: true })
  return result.metafile
}

/**
 * Starts the bundled mapping thread at <outdir>/<entry>.js on examples/function.json, has it print
 * examples/events.jsonl and writes the code cache it sends then to <outdir>/<entry>.bundle.cache.
 * Resolves to the cache's size in bytes and whether that thread itself started from a cache V8 took.
 */
async function recordCodeCache(entry, outdir) {
  const config = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'function.json'), 'utf8'))
  const events = new TextEncoder().encode(fs.readFileSync(path.join(root, 'examples', 'events.jsonl'), 'utf8'))
  const worker = new Worker(path.join(outdir, `${entry}.js`), { workerData: { config, recordCodeCache: true } })
  try {
    const { data, startedFromCache } = await new Promise((resolve, reject) => {
      worker.on('message', (reply) => {
        if (reply.type === 'ready') worker.postMessage({ id: 1, text: events, firstLine: 1, print: true })
        else if (reply.type === 'code-cache') resolve(reply)
        else if (reply.type === 'failed') reject(new Error(`the example function did not compile: ${JSON.stringify(reply.problems)}`))
      })
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the thread exited (${code}) before it sent its code cache`)))
    })
    const file = path.join(outdir, `${entry}.bundle.cache`)
    fs.writeFileSync(`${file}.tmp`, data)
    fs.renameSync(`${file}.tmp`, file)
    return { bytes: data.length, startedFromCache }
  } finally {
    await worker.terminate()
  }
}

async function main() {
  const at = process.argv.indexOf('--outdir')
  const outdir = at > 0 ? path.resolve(process.argv[at + 1]) : path.join(root, 'dist')
  for (const entry of THREAD_ENTRIES) {
    await bundleThread(entry, outdir)
    await recordCodeCache(entry, outdir)
  }
}

module.exports = { bundleThread, recordCodeCache, THREAD_ENTRIES }

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`)
    process.exit(1)
  })
}
