// The script a bundled thread starts with in dist/ (scripts/bundle-threads.js copies it to <name>.js): it runs
// <name>.bundle.js beside it with the V8 code cache that the build recorded in <name>.bundle.cache from a
// thread that had mapped events. Without a cache, compiling the bundle and then each of its functions as it
// first ran took about a sixth of a thread's start. A cache V8 refuses (another Node, other V8 flags, a
// rebuilt bundle) or a missing or unreadable one costs that time and nothing else.

const fs = require('node:fs')
const Module = require('node:module')
const path = require('node:path')
const vm = require('node:vm')
const { parentPort, workerData } = require('node:worker_threads')

const base = path.join(__dirname, path.basename(__filename, '.js'))
const bundleFile = `${base}.bundle.js`

function readCache() {
  try {
    return fs.readFileSync(`${base}.bundle.cache`)
  } catch {
    return undefined
  }
}

const cachedData = readCache()
const script = new vm.Script(Module.wrap(fs.readFileSync(bundleFile, 'utf8')), { filename: bundleFile, cachedData })

// Only the build asks for this: once the thread has answered a `print` request (so the functions that
// compiling and mapping run are compiled), it also sends the code cache, which then includes them, and
// whether this thread started from a cache.
if (workerData && workerData.recordCodeCache === true && parentPort) {
  const post = parentPort.postMessage.bind(parentPort)
  const startedFromCache = cachedData !== undefined && !script.cachedDataRejected
  parentPort.postMessage = (message, transfer) => {
    post(message, transfer)
    if (message && message.type === 'printed') post({ type: 'code-cache', data: script.createCachedData(), startedFromCache })
  }
}

const bundle = { exports: {} }
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(bundleFile), bundle, bundleFile, path.dirname(bundleFile))
