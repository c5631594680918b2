import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { normaliseIp } from '../../src/server/client-ip'
import { createFunction, firstProject, PROJECT_TOKEN, type Setup, startPipeline, until } from '../helpers/pipeline-server'
import { selectRows } from '../helpers/server-store'

jest.setTimeout(60_000)

const USER_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/** A $pageview as posthog-js sends it for a visitor who has not logged in: no email, no $ip. */
function pageview(uuid: string, extra: Record<string, unknown> = {}) {
  const anonymousId = `0193c${uuid
    .replace(/[^0-9a-f]/g, '')
    .padEnd(8, '0')
    .slice(0, 8)}-anon`
  return {
    uuid,
    event: '$pageview',
    timestamp: new Date().toISOString(),
    properties: {
      $os: 'Mac OS X',
      $browser: 'Chrome',
      $device_type: 'Desktop',
      $current_url: 'https://shop.example/products/lamp',
      $host: 'shop.example',
      $pathname: '/products/lamp',
      $raw_user_agent: USER_AGENT,
      $browser_version: 131,
      $lib: 'web',
      $lib_version: '1.200.0',
      $insert_id: `insert-${uuid}`,
      $time: Date.now() / 1000,
      distinct_id: anonymousId,
      $device_id: anonymousId,
      $session_id: 'session-1',
      $window_id: 'window-1',
      $is_identified: false,
      $process_person_profile: false,
      token: PROJECT_TOKEN,
      ...extra,
    },
  }
}

/** posthog-js's batch request: a gzipped JSON array on /e/ with compression=gzip-js, as text/plain. */
async function sendLikePosthogJs(setup: Setup, events: unknown[], headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`${setup.server.url}/e/?ip=1&_=${Date.now()}&ver=1.200.0&compression=gzip-js`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...headers },
    body: gzipSync(JSON.stringify(events)),
  })
  expect(response.status).toBe(200)
}

async function deliveredUserData(setup: Setup, uuid: string): Promise<Record<string, unknown>> {
  expect(await until(() => setup.emulator.accepted().some((e) => e.event_id === uuid), 20_000)).toBe(true)
  const accepted = setup.emulator.accepted().find((e) => e.event_id === uuid)
  if (accepted === undefined) throw new Error(`event ${uuid} was not delivered`)
  return (accepted.event as { user_data: Record<string, unknown> }).user_data
}

function storedProperties(setup: Setup, uuid: string): Record<string, unknown> {
  const payloads = selectRows<{ payload: string }>(path.join(setup.dir, 'db.sqlite'), 'SELECT payload FROM events').map((row) => row.payload)
  const event = payloads.map((p) => JSON.parse(p) as { uuid: string; properties: Record<string, unknown> }).find((e) => e.uuid === uuid)
  if (!event) throw new Error(`event ${uuid} not stored`)
  return event.properties
}

async function setAnonymizeIps(setup: Setup, value: unknown): Promise<Response> {
  return fetch(`${setup.server.url}/api/projects/1/`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ anonymize_ips: value }),
  })
}

describe('without a trusted proxy', () => {
  let setup: Setup

  beforeAll(async () => {
    setup = await startPipeline('pipelines-ip-')
    await createFunction(setup.server, firstProject)
  })

  afterAll(() => setup.close())

  it("delivers an anonymous visitor's $pageview with the socket address as client_ip_address", async () => {
    await sendLikePosthogJs(setup, [pageview('pv-socket-1')])
    const userData = await deliveredUserData(setup, 'pv-socket-1')
    expect(userData.client_ip_address).toBe('127.0.0.1')
    expect(userData.client_user_agent).toBe(USER_AGENT)
    expect(storedProperties(setup, 'pv-socket-1').$ip).toBe('127.0.0.1')
  })

  it('ignores X-Forwarded-For, which any client could write', async () => {
    await sendLikePosthogJs(setup, [pageview('pv-forged-1')], { 'x-forwarded-for': '198.51.100.7' })
    expect((await deliveredUserData(setup, 'pv-forged-1')).client_ip_address).toBe('127.0.0.1')
  })

  it('keeps an $ip the event carries, and fills an empty one', async () => {
    await sendLikePosthogJs(setup, [pageview('pv-own-1', { $ip: '203.0.113.50' }), pageview('pv-empty-1', { $ip: '' })])
    expect((await deliveredUserData(setup, 'pv-own-1')).client_ip_address).toBe('203.0.113.50')
    expect((await deliveredUserData(setup, 'pv-empty-1')).client_ip_address).toBe('127.0.0.1')
  })

  it('fills $ip on every capture endpoint', async () => {
    for (const [route, uuid] of [
      ['/i/v0/e/', 'pv-route-1'],
      ['/batch/', 'pv-route-2'],
      ['/capture/', 'pv-route-3'],
    ]) {
      const response = await fetch(`${setup.server.url}${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: [pageview(uuid)] }),
      })
      expect(response.status).toBe(200)
    }
    for (const uuid of ['pv-route-1', 'pv-route-2', 'pv-route-3']) expect(storedProperties(setup, uuid).$ip).toBe('127.0.0.1')
  })

  it('keeps no $ip, filled or sent, in a project with anonymize_ips', async () => {
    const changed = await setAnonymizeIps(setup, true)
    expect(changed.status).toBe(200)
    expect(await changed.json()).toMatchObject({ id: 1, anonymize_ips: true })
    try {
      // An email lets Pinterest take the event without the address.
      await sendLikePosthogJs(setup, [pageview('pv-anon-1', { email: 'jane@example.com' }), pageview('pv-anon-2', { email: 'joe@example.com', $ip: '203.0.113.51' })])
      for (const uuid of ['pv-anon-1', 'pv-anon-2']) {
        const userData = await deliveredUserData(setup, uuid)
        expect(userData).not.toHaveProperty('client_ip_address')
        expect(userData.em).toHaveLength(1)
        expect(storedProperties(setup, uuid)).not.toHaveProperty('$ip')
      }
    } finally {
      expect((await setAnonymizeIps(setup, false)).status).toBe(200)
    }
  })
})

describe('behind a trusted proxy', () => {
  let setup: Setup

  beforeAll(async () => {
    setup = await startPipeline('pipelines-proxy-', { trustProxy: true })
    await createFunction(setup.server, firstProject)
  })

  afterAll(() => setup.close())

  it('takes the left-most X-Forwarded-For entry as the client', async () => {
    await sendLikePosthogJs(setup, [pageview('pv-proxy-1')], { 'x-forwarded-for': '198.51.100.7, 10.0.0.2' })
    expect((await deliveredUserData(setup, 'pv-proxy-1')).client_ip_address).toBe('198.51.100.7')
  })

  it('takes an IPv6 client as it is', async () => {
    await sendLikePosthogJs(setup, [pageview('pv-proxy-2')], { 'x-forwarded-for': '2001:db8::7' })
    expect((await deliveredUserData(setup, 'pv-proxy-2')).client_ip_address).toBe('2001:db8::7')
  })

  it('fills nothing from an entry that is not an address', async () => {
    await sendLikePosthogJs(setup, [pageview('pv-proxy-3', { email: 'jane@example.com' })], { 'x-forwarded-for': 'unknown' })
    expect(await deliveredUserData(setup, 'pv-proxy-3')).not.toHaveProperty('client_ip_address')
  })
})

describe('client addresses', () => {
  it.each([
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['2001:db8::1', '2001:db8::1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::1', '::1'],
  ])('%s is %s', (address, expected) => {
    expect(normaliseIp(address)).toBe(expected)
  })

  it.each(['unknown', '', '999.1.1.1', '192.0.2.1:8080'])('%j is no address', (address) => {
    expect(normaliseIp(address)).toBeUndefined()
  })
})
