import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'

const ROOT = path.resolve(__dirname, '../..')
export const BUNDLE = path.join(ROOT, 'dist/plugin.js')

export function buildBundle(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle-plugin.js')], { cwd: ROOT, stdio: 'pipe' })
}

// What a plugin server lends a plugin: timers, fetch, console and a require limited to a few built-ins.
// No TextEncoder or Buffer: sandboxes differ, and the bundle must load and send without them.
const ALLOWED_MODULES: Record<string, unknown> = { crypto, 'node:crypto': crypto, fs }

export interface LoadedPlugin {
  exports: Record<string, (...args: unknown[]) => unknown>
  logs: string[]
}

/** Loads dist/plugin.js in a fresh vm context, wrapped like a CommonJS module. */
export function loadBundleInVm(): LoadedPlugin {
  const logs: string[] = []
  const sandboxConsole = {
    log: (...args: unknown[]) => logs.push(args.join(' ')),
    error: (...args: unknown[]) => logs.push(args.join(' ')),
    debug: (...args: unknown[]) => logs.push(args.join(' ')),
    warn: (...args: unknown[]) => logs.push(args.join(' ')),
    info: (...args: unknown[]) => logs.push(args.join(' ')),
  }
  const context = vm.createContext({
    console: sandboxConsole,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    fetch,
    Response,
    URL,
    AbortController,
    process: { versions: process.versions, env: {}, argv: [], platform: process.platform },
  })
  const code = fs.readFileSync(BUNDLE, 'utf8')
  const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, context, { filename: BUNDLE })
  const module = { exports: {} as LoadedPlugin['exports'] }
  const require = (name: string) => {
    if (!Object.hasOwn(ALLOWED_MODULES, name)) throw new Error(`module ${name} is not available to plugins`)
    return ALLOWED_MODULES[name]
  }
  wrapper(module.exports, require, module, '/plugins/pinterest/index.js', '/plugins/pinterest')
  return { exports: module.exports, logs }
}
