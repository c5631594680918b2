import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnServer, type ServerProcess } from '../helpers/server-process'

jest.setTimeout(60_000)

const ENV = {
  PIPELINES_API_KEY: 'phx_hostile_key_0123456789',
  PIPELINES_PROJECT_TOKEN: 'phc_hostile_project',
  // A template that reaches the parser runs out of time (four nested calls take tens of milliseconds),
  // and only the worker-thread parser has a time limit at all.
  HOG_PARSE_TIMEOUT_MS: '1',
}

const BASE = {
  type: 'destination',
  template_id: 'segment-actions-pinterest-conversions-api',
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_hostile_token' } },
}

// event_time is the first templated input compiled, so its template is the first to reach the checks.
const withTemplate = (template: string) => ({
  ...BASE,
  mappings: [{ name: 'Hostile', filters: { events: [{ id: null, type: 'events' }] }, inputs: { event_name: { value: 'lead' }, event_time: { value: template } } }],
})

// The templates that hung or stalled the server before templates were bounded and parsed on a worker.
const HOSTILE: [string, string][] = [
  ['{' + '['.repeat(200) + ']'.repeat(200) + '}', 'expression nested deeper than 12 levels'],
  ['{' + 'a ? b : '.repeat(200) + 'c}', 'expression nested deeper than 12 levels'],
  ['{' + 'a ?? '.repeat(200) + 'b}', 'expression nested deeper than 12 levels'],
  ['{' + 'lower('.repeat(100) + 'x' + ')'.repeat(100) + '}', 'too many nested function calls'],
]

let dir: string
let server: ServerProcess

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-templates-'))
  server = await spawnServer(['--db', path.join(dir, 'pipelines.sqlite'), '--api-url', 'http://127.0.0.1:9'], ENV)
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
  fs.rmSync(dir, { recursive: true, force: true })
})

async function create(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/projects/1/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ENV.PIPELINES_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

/** Polls /_health until `stop` settles; resolves with the slowest answer's time in ms. */
async function pollHealth(stop: Promise<unknown>): Promise<{ slowest: number; answers: number }> {
  let done = false
  void stop.finally(() => (done = true))
  let slowest = 0
  let answers = 0
  while (!done) {
    const started = Date.now()
    const response = await fetch(`${server.url}/_health`, { signal: AbortSignal.timeout(5_000) })
    expect(response.status).toBe(200)
    slowest = Math.max(slowest, Date.now() - started)
    answers += 1
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return { slowest, answers }
}

describe('hostile templates posted to the hog_functions API', () => {
  it('are refused with a 400 naming the field while /_health keeps answering, each time within 3 s', async () => {
    const submissions = (async () => {
      const results = []
      for (let round = 0; round < 5; round++) {
        for (const [template] of HOSTILE) results.push(await create(withTemplate(template)))
        // Within the bounds, so it reaches the parser thread, which runs out of time and is replaced.
        results.push(await create(withTemplate(`{lower(lower(lower(lower(event.properties.round_${round}))))}`)))
      }
      return results
    })()
    const [results, health] = await Promise.all([submissions, pollHealth(submissions)])
    expect(health.answers).toBeGreaterThan(0)
    // A generous bound (a busy machine pauses processes for a second): a loop held by the parses, five rounds
    // of them, would hold a health check far longer.
    expect(health.slowest).toBeLessThan(3_000)
    const expected = HOSTILE.map(([, detail]) => ({ status: 400, detail }))
    const withinBounds: number[] = []
    for (let round = 0; round < 5; round++) {
      const answers = results.slice(round * (HOSTILE.length + 1), (round + 1) * (HOSTILE.length + 1))
      // Out of bounds: refused before any parse, at the hostile input.
      answers.slice(0, HOSTILE.length).forEach((result, i) => {
        expect([result.status, result.body.attr]).toEqual([400, 'mappings__0__inputs__event_time'])
        expect(String(result.body.detail)).toContain(expected[i].detail)
      })
      // Within bounds: the parser thread runs out of time and is replaced. The next such template finds the
      // new thread still starting, and a starting thread's first template gets the start-up allowance on top
      // of its limit, so it parses and the function is created.
      const last = answers[HOSTILE.length]
      withinBounds.push(last.status)
      if (last.status === 400) {
        expect(last.body.attr).toBe('mappings__0__inputs__event_time')
        expect(String(last.body.detail)).toContain('the template took longer than 1 ms to parse')
      } else {
        expect(last.status).toBe(201)
      }
    }
    expect(withinBounds.filter((status) => status === 400).length).toBeGreaterThanOrEqual(2)
  })
})
