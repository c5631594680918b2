import autocannon from 'autocannon'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { CLI, startChild } from './child-process'
import { median } from './stats'

const TOKEN = 'bench-token'
const ACCOUNT = '549755885175'
const KEY = 'phx_bench_key_0123456789'
const PROJECT_TOKEN = 'phc_bench_project'
const DURATION_S = 5
const CONNECTIONS = 50
const E2E_EVENTS = 30_000
const E2E_ROUNDS = 3

function order(uuid: string) {
  return {
    event: 'Order Completed',
    distinct_id: `person-${uuid}`,
    uuid,
    properties: { $ip: '203.0.113.9', $raw_user_agent: 'Mozilla/5.0', $current_url: 'https://shop.example/thanks', revenue: 42.5, currency: 'USD', order_id: uuid },
  }
}

async function rate(url: string, body: string): Promise<{ requestsPerSecond: number; non2xx: number }> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: CONNECTIONS, duration: DURATION_S })
  return { requestsPerSecond: result.requests.average, non2xx: result.non2xx }
}

// The load generator shares the server's two cores, so it posts with node:http on kept-alive connections:
// fetch took about 3 times the CPU per request here (16-25 against 5-8 µs an event, 100 events a request).
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 })

function post(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }))
    })
    request.on('error', reject)
    request.end(body)
  })
}

async function processedByEmulator(emulatorUrl: string): Promise<number> {
  const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: { num_events_processed: number; test: boolean }[] }
  return requests.filter((r) => !r.test).reduce((sum, r) => sum + r.num_events_processed, 0)
}

/** Capture → queue → worker → emulator for `count` events sent 100 per /batch/ request, 8 at a time. */
let runs = 0

async function endToEnd(serverUrl: string, emulatorUrl: string, count: number): Promise<number> {
  const run = runs++
  await fetch(`${emulatorUrl}/_emulator/reset`, { method: 'POST' })
  const started = Date.now()
  let next = 0
  const sender = async () => {
    while (next < count) {
      const first = next
      next += 100
      const batch = Array.from({ length: Math.min(100, count - first) }, (_, i) => order(`e2e-${run}-${first + i}`))
      const response = await post(`${serverUrl}/batch/`, JSON.stringify({ api_key: PROJECT_TOKEN, batch }))
      if (response.status !== 200) throw new Error(`capture answered ${response.status}: ${response.text}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, sender))
  while ((await processedByEmulator(emulatorUrl)) < count) {
    if (Date.now() - started > 300_000) throw new Error('end-to-end run did not finish in 5 minutes')
    // Polled only once every event is posted, and often: a round lasts about a second, and waiting 100 ms
    // between looks had added 50 ms to it on average.
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return count / ((Date.now() - started) / 1000)
}

export async function benchServer(): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-bench-'))
  const emulator = await startChild(CLI, ['emulator', '--port', '0', '--token', TOKEN, '--ad-account', ACCOUNT, '--no-bodies'])
  const server = await startChild(CLI, ['serve', '--port', '0', '--db', path.join(dir, 'bench.sqlite'), '--api-url', emulator.url], {
    PIPELINES_API_KEY: KEY,
    PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN,
  })
  const bare = await startChild(path.join(__dirname, 'bare-server.js'), [])
  try {
    const single = JSON.stringify({ api_key: PROJECT_TOKEN, ...order('single') })
    const batch = JSON.stringify({ api_key: PROJECT_TOKEN, batch: Array.from({ length: 100 }, (_, i) => order(`batch-${i}`)) })
    // Capture alone: events are stored durably, and with no destination yet the pipeline has nothing to do.
    const bareRun = await rate(`${bare.url}/bare`, single)
    const captureOnly = await rate(`${server.url}/e/`, single)
    const created = await fetch(`${server.url}/api/projects/1/hog_functions/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'destination', template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } } }),
    })
    if (created.status !== 201) throw new Error(`could not create the function: ${created.status}`)
    await endToEnd(server.url, emulator.url, 2_000) // warm-up
    const e2eRounds: number[] = []
    for (let round = 0; round < E2E_ROUNDS; round++) e2eRounds.push(await endToEnd(server.url, emulator.url, E2E_EVENTS))
    const e2e = median(e2eRounds)
    const singleRun = await rate(`${server.url}/e/`, single)
    const batchRun = await rate(`${server.url}/batch/`, batch)
    return {
      name: 'pipelines server on loopback (server, emulator and load generator in separate processes)',
      autocannon: { connections: CONNECTIONS, duration_s: DURATION_S },
      bare_route_requests_per_second: Math.round(bareRun.requestsPerSecond),
      capture_single_event: {
        requests_per_second: Math.round(captureOnly.requestsPerSecond),
        ratio_to_bare_route: Number((captureOnly.requestsPerSecond / bareRun.requestsPerSecond).toFixed(2)),
        non_2xx: captureOnly.non2xx,
        note: 'durable capture alone: no destination configured yet, so the pipeline threads are idle',
      },
      capture_single_event_while_delivering: {
        requests_per_second: Math.round(singleRun.requestsPerSecond),
        ratio_to_bare_route: Number((singleRun.requestsPerSecond / bareRun.requestsPerSecond).toFixed(2)),
        non_2xx: singleRun.non2xx,
        note: 'with the Pinterest destination active: the pipeline threads map and deliver every captured event on the same two cores',
      },
      capture_batch_of_100: {
        requests_per_second: Math.round(batchRun.requestsPerSecond),
        events_per_second: Math.round(batchRun.requestsPerSecond * 100),
        ratio_to_bare_route: Number((batchRun.requestsPerSecond / bareRun.requestsPerSecond).toFixed(2)),
        non_2xx: batchRun.non2xx,
      },
      end_to_end_events_per_second: Math.round(e2e),
      end_to_end_events: E2E_EVENTS,
      end_to_end_rounds: e2eRounds.map(Math.round),
      targets: { single_event_ratio_to_bare: 0.5, end_to_end_events_per_second: 25_000 },
    }
  } finally {
    agent.destroy()
    await Promise.all([server.stop(), emulator.stop(), bare.stop()])
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
