import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { MappingPool } from '../../src/mapping/mapping-pool'
import type { WorkerReply } from '../../src/mapping/mapping-pool'
import { BASE_CONFIG, fixtureEvents, NOW_MS } from '../helpers/fixtures'

jest.setTimeout(60_000)

const ROOT = path.resolve(__dirname, '..', '..')
const { bundleThread } = require(path.join(ROOT, 'scripts', 'bundle-threads.js')) as {
  bundleThread(entry: string, outdir: string): Promise<{ inputs: Record<string, unknown> }>
}

// Below the package, as dist/ is, so that the bundle finds templates/, mappings/ and node_modules as dist/ does.
const OUT = path.join(ROOT, 'node_modules', '.cache', `capi-test-threads-${process.pid}-${randomBytes(3).toString('hex')}`, 'dist')
const BUNDLE = path.join(OUT, 'mapping', 'mapping-worker.js')

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** The fixture events, one line that is not JSON and one no mapping takes, as JSON lines. */
const INPUT = `${[...fixtureEvents().map((e) => JSON.stringify(e)), '{"event": nope', JSON.stringify({ event: { uuid: 'u-1', event: 'Unmapped Thing', distinct_id: 'd', timestamp: '2026-11-29T10:00:00Z', properties: {} } })].join('\n')}\n`

/** Runs the bundled thread as MappingPool runs its own, and asks it to print INPUT. */
async function printedByBundle(): Promise<{ output: string; counts: Record<string, number> }> {
  const worker = new Worker(BUNDLE, { workerData: { config: BASE_CONFIG } })
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

describe('scripts/bundle-threads.js', () => {
  it("bundles the mapping thread into one script that prints, byte for byte, what the source's thread prints", async () => {
    const metafile = await bundleThread('mapping/mapping-worker', OUT)
    const pool = await MappingPool.start(BASE_CONFIG, 1)
    let fromSource: { output: Uint8Array; counts: Record<string, number> }
    try {
      fromSource = await pool.print(encode(INPUT), 1, NOW_MS)
    } finally {
      await pool.close()
    }
    const fromBundle = await printedByBundle()
    expect(fromBundle.counts).toEqual({ event: 7, skipped: 1, error: 1, filtered: 1 })
    expect(fromBundle.counts).toEqual({ ...fromSource.counts })
    expect(fromBundle.output).toBe(decode(fromSource.output))
    expect(fromBundle.output.split('\n').filter((l) => l !== '')).toHaveLength(10)
    // Our code and zod are in the one file; other packages are still loaded from node_modules.
    const bundled = Object.keys(metafile.inputs)
    expect(bundled).toContain('src/mapping/compile-function.ts')
    expect(bundled.some((file) => file.startsWith('node_modules/zod/'))).toBe(true)
    expect(bundled.some((file) => file.startsWith('node_modules/') && !file.startsWith('node_modules/zod/'))).toBe(false)
    expect(bundled).toContain('node_modules/zod/v4/locales/en.js')
    expect(bundled).not.toContain('node_modules/zod/v4/locales/de.js')
  })

  it('refuses a thread script that starts threads of its own, whose thread scripts a bundle could not find', async () => {
    const out = path.join(OUT, 'refused')
    await expect(bundleThread('server/pipeline/runner-thread-entry', out)).rejects.toThrow(
      'src/server/pipeline/runner-thread-entry.ts starts threads of its own (it imports src/worker-script.ts), so it cannot be bundled',
    )
    expect(fs.existsSync(out)).toBe(false)
  })
})
