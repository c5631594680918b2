import vm from 'node:vm'
import { gzipSync } from 'node:zlib'
import { PostHog } from 'posthog-node'
import { PROJECT_TOKEN, type Setup, startPipeline } from '../helpers/pipeline-server'

jest.setTimeout(30_000)

const ORIGIN = 'https://shop.example'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let setup: Setup

beforeAll(async () => {
  setup = await startPipeline('pipelines-flags-')
})

afterAll(() => setup.close())

/** What posthog-js posts to /flags/ at start for a visitor who has not logged in. */
const flagsRequest = (extra: Record<string, unknown> = {}) => ({
  token: PROJECT_TOKEN,
  distinct_id: '0193c5f2-7a1b-7c3d-9e4f-5a6b7c8d9e0f',
  groups: {},
  person_properties: { $initial_referrer: '$direct', $initial_current_url: 'https://shop.example/', $initial_host: 'shop.example' },
  group_properties: {},
  $anon_distinct_id: '0193c5f2-7a1b-7c3d-9e4f-5a6b7c8d9e0f',
  $device_id: '0193c5f2-7a1b-7c3d-9e4f-5a6b7c8d9e0f',
  timezone: 'Europe/Berlin',
  ...extra,
})

type Encoding = 'json' | 'base64' | 'gzip-js'

async function post(path: string, body: unknown, encoding: Encoding = 'json', headers: Record<string, string> = {}) {
  const json = JSON.stringify(body)
  const encoded =
    encoding === 'json'
      ? { type: 'application/json', data: json }
      : encoding === 'base64'
        ? { type: 'application/x-www-form-urlencoded', data: `data=${encodeURIComponent(Buffer.from(json).toString('base64'))}` }
        : { type: 'text/plain', data: gzipSync(json) }
  const separator = path.includes('?') ? '&' : '?'
  const url = encoding === 'json' ? path : `${path}${separator}compression=${encoding}`
  const response = await fetch(`${setup.server.url}${url}`, { method: 'POST', headers: { 'content-type': encoded.type, origin: ORIGIN, ...headers }, body: encoded.data })
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

/** PostHog's config fields for a project without recordings, surveys, heatmaps or site apps. */
const CONFIG = {
  supportedCompression: ['gzip', 'gzip-js'],
  autocapture_opt_out: false,
  capturePerformance: false,
  config: { enable_collect_everything: true },
  elementsChainAsString: true,
  autocaptureExceptions: false,
  sessionRecording: false,
  surveys: false,
  toolbarParams: {},
  isAuthenticated: false,
  siteApps: [],
  heatmaps: false,
  flagsPersistenceDefault: false,
  defaultIdentifiedOnly: true,
  errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
}

describe('/flags/', () => {
  it.each<Encoding>(['base64', 'json', 'gzip-js'])("answers posthog-js's start-up call (%s body) with no flags and no recording", async (encoding) => {
    const { status, headers, body } = await post('/flags/?v=2&config=true&ver=1.200.0&_=1733000000000', flagsRequest(), encoding)
    expect(status).toBe(200)
    expect(body).toEqual({ errorsWhileComputingFlags: false, flags: {}, requestId: expect.stringMatching(UUID), ...CONFIG })
    expect(headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(headers.get('access-control-allow-credentials')).toBe('true')
  })

  it('leaves the config out unless asked, and uses the legacy shape below v=2', async () => {
    expect((await post('/flags/?v=2', flagsRequest())).body).toEqual({ errorsWhileComputingFlags: false, flags: {}, requestId: expect.stringMatching(UUID) })
    expect((await post('/flags/?v=1', flagsRequest())).body).toEqual({ errorsWhileComputingFlags: false, featureFlags: {}, featureFlagPayloads: {}, requestId: expect.stringMatching(UUID) })
  })

  it('answers a GET without a body, as PostHog does, with the compression it takes', async () => {
    const response = await fetch(`${setup.server.url}/flags/?v=2`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ errorsWhileComputingFlags: false, flags: {}, requestId: expect.stringMatching(UUID), supportedCompression: ['gzip', 'gzip-js'] })
  })

  it('answers a request naming neither version nor config in the current shape, with the config', async () => {
    expect((await post('/flags/', flagsRequest())).body).toEqual({ errorsWhileComputingFlags: false, flags: {}, requestId: expect.stringMatching(UUID), ...CONFIG })
  })

  it('is what posthog-node reads as "no flags", without an error', async () => {
    const client = new PostHog(PROJECT_TOKEN, { host: setup.server.url, flushAt: 1, featureFlagsRequestTimeoutMs: 5000 })
    const errors: unknown[] = []
    client.on('error', (error) => errors.push(error))
    try {
      expect(await client.getAllFlags('user-1')).toEqual({})
    } finally {
      await client.shutdown()
    }
    expect(errors).toEqual([])
  })
})

describe('/decide/', () => {
  it.each([
    ['/decide/?v=4', { errorsWhileComputingFlags: false, flags: {} }],
    ['/decide/?v=3', { errorsWhileComputingFlags: false, featureFlags: {}, featureFlagPayloads: {} }],
    ['/decide/?v=2', { featureFlags: {} }],
    ['/decide/', { featureFlags: [] }],
  ])("%s answers in its version's shape, with the config", async (path, shape) => {
    const { status, body } = await post(path, flagsRequest(), 'base64')
    expect(status).toBe(200)
    expect(body).toEqual({ ...shape, requestId: expect.stringMatching(UUID), ...CONFIG })
  })
})

describe('refusals', () => {
  const invalidKey = { type: 'authentication_error', code: 'invalid_api_key', detail: 'Project API key invalid. You can find your project API key in your project settings.', attr: null }

  it.each(['/flags/?v=2', '/decide/?v=3'])('%s refuses an unknown or missing token with a 401, readable from the page', async (path) => {
    const unknown = await post(path, flagsRequest({ token: 'phc_not_a_project' }))
    expect(unknown.status).toBe(401)
    expect(unknown.body).toEqual(invalidKey)
    expect(JSON.stringify(unknown.body)).not.toContain('phc_not_a_project')
    expect(unknown.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const { token: _token, ...withoutToken } = flagsRequest()
    expect(await post(path, withoutToken)).toMatchObject({ status: 401, body: invalidKey })
  })

  it('refuses a request without a distinct id with a 400 naming it', async () => {
    const { distinct_id: _id, ...withoutId } = flagsRequest()
    expect(await post('/flags/?v=2', withoutId)).toMatchObject({ status: 400, body: { type: 'validation_error', attr: 'distinct_id' } })
  })

  it.each([
    ['not JSON', 'text/plain', '{nope'],
    ['an empty body', 'application/json', ''],
    ['a JSON array', 'application/json', '[1,2]'],
    ['a bad form', 'application/x-www-form-urlencoded', 'data=%%%'],
    ['a bad gzip', 'text/plain', Buffer.from([0x1f, 0x8b, 0x00, 0x01])],
  ])('answers %s with a 4xx, never a 5xx', async (_name, type, data) => {
    const response = await fetch(`${setup.server.url}/flags/?v=2&config=true`, { method: 'POST', headers: { 'content-type': type }, body: data })
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
  })
})

describe("browsers calling from the site's origin", () => {
  it.each(['/flags/?v=2&config=true', '/decide/?v=3', '/e/', '/i/v0/e/', '/batch/'])('%s answers the CORS preflight', async (path) => {
    const response = await fetch(`${setup.server.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(response.headers.get('access-control-allow-credentials')).toBe('true')
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type')
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS')
  })

  it("lets the page read capture's answer", async () => {
    const response = await fetch(`${setup.server.url}/e/`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: JSON.stringify({ token: PROJECT_TOKEN, event: '$pageview', distinct_id: 'visitor-1' }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })
})

describe('remote config', () => {
  const REMOTE_CONFIG = {
    token: PROJECT_TOKEN,
    supportedCompression: ['gzip', 'gzip-js'],
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance: false,
    autocapture_opt_out: false,
    autocaptureExceptions: false,
    elementsChainAsString: true,
    errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
    sessionRecording: false,
    heatmaps: false,
    surveys: false,
    defaultIdentifiedOnly: true,
  }

  it('serves /array/TOKEN/config as JSON and as the script posthog-js loads first', async () => {
    const json = await fetch(`${setup.server.url}/array/${PROJECT_TOKEN}/config`, { headers: { origin: ORIGIN } })
    expect(json.status).toBe(200)
    expect(json.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(await json.json()).toEqual(REMOTE_CONFIG)
    const script = await fetch(`${setup.server.url}/array/${PROJECT_TOKEN}/config.js`)
    expect(script.headers.get('content-type')).toMatch(/^application\/javascript/)
    const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, unknown> } = {}
    vm.runInNewContext(await script.text(), { window })
    expect(window._POSTHOG_REMOTE_CONFIG).toEqual({ [PROJECT_TOKEN]: { config: REMOTE_CONFIG, siteApps: [] } })
  })

  it('answers 404 for a token of no project', async () => {
    for (const suffix of ['config', 'config.js']) {
      const response = await fetch(`${setup.server.url}/array/phc_unknown/${suffix}`)
      expect(response.status).toBe(404)
      expect(await response.text()).not.toContain('phc_unknown')
    }
  })
})
