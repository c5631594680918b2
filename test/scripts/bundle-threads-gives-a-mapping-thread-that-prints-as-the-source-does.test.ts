import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import Module from 'node:module'
import path from 'node:path'
import vm from 'node:vm'
import { Worker } from 'node:worker_threads'
import { MappingPool } from '../../src/mapping/mapping-pool'
import type { WorkerReply } from '../../src/mapping/mapping-pool'
import { BASE_CONFIG, fixtureEvents, NOW_MS } from '../helpers/fixtures'

jest.setTimeout(60_000)

const ROOT = path.resolve(__dirname, '..', '..')
const { bundleThread, recordCodeCache } = require(path.join(ROOT, 'scripts', 'bundle-threads.js')) as {
  bundleThread(entry: string, outdir: string): Promise<{ inputs: Record<string, unknown> }>
  recordCodeCache(entry: string, outdir: string): Promise<{ bytes: number; startedFromCache: boolean }>
}

// Below the package, as dist/ is, so that the bundle finds templates/, mappings/ and node_modules as dist/ does.
const OUT = path.join(ROOT, 'node_modules', '.cache', `capi-test-threads-${process.pid}-${randomBytes(3).toString('hex')}`, 'dist')
const LOADER = path.join(OUT, 'mapping', 'mapping-worker.js')
const BUNDLE = path.join(OUT, 'mapping', 'mapping-worker.bundle.js')
const CACHE = path.join(OUT, 'mapping', 'mapping-worker.bundle.cache')

/**
 * Whether V8 takes the cache file for the bundle, compiled as the loader compiles it, in a thread of its own:
 * V8 ignores cached data for a source its isolate has compiled before.
 */
async function acceptsCache(): Promise<boolean> {
  const check = `
    const { workerData, parentPort } = require('node:worker_threads')
    const fs = require('node:fs'), vm = require('node:vm'), Module = require('node:module')
    const script = new vm.Script(Module.wrap(fs.readFileSync(workerData.bundle, 'utf8')), { filename: workerData.bundle, cachedData: fs.readFileSync(workerData.cache) })
    parentPort.postMessage(!script.cachedDataRejected)`
  const worker = new Worker(check, { eval: true, workerData: { bundle: BUNDLE, cache: CACHE } })
  try {
    return await new Promise<boolean>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
  } finally {
    await worker.terminate()
  }
}

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** The fixture events, one line that is not JSON and one no mapping takes, as JSON lines. */
const INPUT = `${[...fixtureEvents().map((e) => JSON.stringify(e)), '{"event": nope', JSON.stringify({ event: { uuid: 'u-1', event: 'Unmapped Thing', distinct_id: 'd', timestamp: '2026-11-29T10:00:00Z', properties: {} } })].join('\n')}\n`

/** Runs the bundled thread (through its loader) as MappingPool runs its own, and asks it to print INPUT. */
async function printedByBundle(): Promise<{ output: string; counts: Record<string, number> }> {
  const worker = new Worker(LOADER, { workerData: { config: BASE_CONFIG } })
  try {
    const replies: WorkerReply[] = []
    const printed = new Promise<Extract<WorkerReply, { type: 'printed' }>>((resolve, reject) => {
      worker.on('message', (reply: WorkerReply) => {
        replies.push(reply)
        if (reply.type === 'ready') worker.postMessage({ id: 7, text: encode(INPUT), firstLine: 1, nowMs: NOW_MS, print: true })
        if (reply.type === 'printed') resolve(reply)
        if (reply.type === 'failed') reject(new Error(JSON.stringify(reply.problems)))
      })
      worker.once('error', reject)
    })
    const reply = await printed
    expect(replies.map((r) => r.type)).toEqual(['ready', 'printed'])
    expect(reply.id).toBe(7)
    return { output: decode(reply.output), counts: { ...reply.counts } }
  } finally {
    await worker.terminate()
  }
}

afterAll(() => fs.rmSync(path.dirname(OUT), { recursive: true, force: true }))

/** What the source's thread prints for INPUT, through MappingPool. */
async function printedBySource(): Promise<string> {
  const pool = await MappingPool.start(BASE_CONFIG, 1)
  try {
    return decode((await pool.print(encode(INPUT), 1, NOW_MS)).output)
  } finally {
    await pool.close()
  }
}

describe('scripts/bundle-threads.js', () => {
  let metafile: { inputs: Record<string, unknown> }
  let fromSource: string
  beforeAll(async () => {
    metafile = await bundleThread('mapping/mapping-worker', OUT)
    fromSource = await printedBySource()
  })

  it("bundles the mapping thread into one script that prints, byte for byte, what the source's thread prints", async () => {
    expect(fs.existsSync(CACHE)).toBe(false)
    const fromBundle = await printedByBundle()
    expect(fromBundle.counts).toEqual({ event: 7, skipped: 1, error: 1, filtered: 1 })
    expect(fromBundle.output).toBe(fromSource)
    expect(fromBundle.output.split('\n').filter((l) => l !== '')).toHaveLength(10)
    // Our code and zod are in the one file; other packages are still loaded from node_modules.
    const bundled = Object.keys(metafile.inputs)
    expect(bundled).toContain('src/mapping/compile-function.ts')
    expect(bundled.some((file) => file.startsWith('node_modules/zod/'))).toBe(true)
    expect(bundled.some((file) => file.startsWith('node_modules/') && !file.startsWith('node_modules/zod/'))).toBe(false)
    expect(bundled).toContain('node_modules/zod/v4/locales/en.js')
    expect(bundled).not.toContain('node_modules/zod/v4/locales/de.js')
  })

  it('records a code cache that V8 takes for the bundle, made after the thread compiled and mapped', async () => {
    const recorded = await recordCodeCache('mapping/mapping-worker', OUT)
    expect(recorded.startedFromCache).toBe(false)
    const cache = fs.readFileSync(CACHE)
    expect(cache.length).toBe(recorded.bytes)
    await expect(acceptsCache()).resolves.toBe(true)
    // The loader hands the cache to V8: the next thread starts from it.
    await expect(recordCodeCache('mapping/mapping-worker', OUT)).resolves.toMatchObject({ startedFromCache: true })
    // A cache made right after compiling holds the top-level code only; this one also the functions that ran.
    const early = new vm.Script(Module.wrap(fs.readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE }).createCachedData()
    expect(cache.length).toBeGreaterThan(early.length * 1.3)
    const withCache = await printedByBundle()
    expect(withCache.output).toBe(fromSource)
    expect(withCache.counts).toEqual({ event: 7, skipped: 1, error: 1, filtered: 1 })
  })

  it('a cache V8 refuses, or an unreadable one, leaves a thread that prints the same', async () => {
    fs.writeFileSync(CACHE, 'not a code cache')
    await expect(acceptsCache()).resolves.toBe(false)
    expect((await printedByBundle()).output).toBe(fromSource)
    fs.rmSync(CACHE)
    fs.mkdirSync(CACHE)
    expect((await printedByBundle()).output).toBe(fromSource)
    fs.rmSync(CACHE, { recursive: true })
  })

  it('refuses a thread script that starts threads of its own, whose thread scripts a bundle could not find', async () => {
    const out = path.join(OUT, 'refused')
    await expect(bundleThread('server/pipeline/runner-thread-entry', out)).rejects.toThrow(
      'src/server/pipeline/runner-thread-entry.ts starts threads of its own (it imports src/worker-script.ts), so it cannot be bundled',
    )
    expect(fs.existsSync(out)).toBe(false)
  })
})
