import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import { packageRoot } from '../src/template/files'
import { CHROMIUM, CHROMIUM_ARGS } from '../test/helpers/chromium'
import { CLI, startChild } from './child-process'
import { firstLoadWeight } from './first-load'
import { median } from './stats'

const UI_DIR = path.join(packageRoot(__dirname), 'dist', 'ui')
const TOKEN = 'bench-token'
const ACCOUNT = '549755885175'
const KEY = 'phx_bench_key_0123456789'
const DESTINATIONS = 5
const ROUNDS = 7
const LIST_SHOWN_TIMEOUT_MS = 10_000

// Installed before the page's own scripts (as a browser extension's would be, so the page's CSP does
// not apply): notes the time from navigation start to the first frame that shows the destinations
// list, a destination row or the empty state.
const WATCH_FOR_LIST = `
(() => {
  const shown = () => document.querySelector('[data-testid="destination-row"], .empty')
  const note = () => requestAnimationFrame(() => { window.__listShownAt = performance.now() })
  const observer = new MutationObserver(() => {
    if (shown()) { observer.disconnect(); note() }
  })
  observer.observe(document, { childList: true, subtree: true })
})()
`

interface Round {
  list_shown_ms: number
  dom_content_loaded_ms: number
  /** The page's assets fetched over the network (not from the cache), and the bytes of those and index.html on the wire. */
  assets_from_network: number
  transferred_bytes: number
}

// Resource timing's transferSize is 0 for what the cache answered.
const TIMING = `(() => {
  const navigation = performance.getEntriesByType('navigation')[0]
  const assets = performance.getEntriesByType('resource').filter((r) => new URL(r.name).pathname.startsWith('/ui/assets/'))
  const fetched = assets.filter((r) => r.transferSize > 0)
  return {
    dom_content_loaded_ms: navigation.domContentLoadedEventEnd,
    assets_from_network: fetched.length,
    transferred_bytes: navigation.transferSize + fetched.reduce((sum, r) => sum + r.transferSize, 0),
  }
})()`

/** One fresh page load in `context`: until the list shows, with the page's own navigation timing. */
async function loadOnce(context: BrowserContext, url: string): Promise<Round> {
  const page = await context.newPage()
  try {
    await page.goto(url, { waitUntil: 'commit' })
    // A function, not a string: the page's CSP forbids evaluating strings.
    const shownAt = await page.waitForFunction(() => (globalThis as { __listShownAt?: number }).__listShownAt, undefined, { timeout: LIST_SHOWN_TIMEOUT_MS })
    const listShown = (await shownAt.jsonValue()) as number
    if (!(await page.locator('[data-testid="destination-row"], .empty').first().isVisible())) throw new Error('the destinations list was added to the page but is not visible')
    const timing = (await page.evaluate(TIMING)) as Omit<Round, 'list_shown_ms'>
    return { list_shown_ms: listShown, ...timing }
  } finally {
    await page.close()
  }
}

function summary(rounds: Round[]) {
  const round = (ms: number) => Math.round(ms * 10) / 10
  return {
    rounds: rounds.length,
    list_shown_ms_median: round(median(rounds.map((r) => r.list_shown_ms))),
    list_shown_ms_all: rounds.map((r) => round(r.list_shown_ms)),
    dom_content_loaded_ms_median: round(median(rounds.map((r) => r.dom_content_loaded_ms))),
    assets_from_network_median: median(rounds.map((r) => r.assets_from_network)),
    transferred_bytes_median: median(rounds.map((r) => r.transferred_bytes)),
  }
}

async function createDestinations(serverUrl: string): Promise<void> {
  for (let i = 1; i <= DESTINATIONS; i++) {
    const response = await fetch(`${serverUrl}/api/projects/1/hog_functions/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'destination',
        name: `Pinterest shop ${i}`,
        template_id: 'segment-actions-pinterest-conversions-api',
        inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
      }),
    })
    if (response.status !== 201) throw new Error(`could not create a destination: ${response.status}`)
  }
}

/** Signs in once through the page's form; the contexts of every round start with that session cookie. */
async function signedInState(browser: Browser, url: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await page.getByLabel('Personal API key').fill(KEY)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
  const state = await context.storageState()
  await context.close()
  return state
}

/** Cold: each load in a new browser context (empty cache). Warm: new pages of one context whose cache holds the assets. */
async function timeLoads(url: string) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  try {
    const storageState = await signedInState(browser, url)
    const cold: Round[] = []
    for (let i = 0; i < ROUNDS; i++) {
      const context = await browser.newContext({ storageState })
      await context.addInitScript(WATCH_FOR_LIST)
      cold.push(await loadOnce(context, url))
      await context.close()
    }
    const context = await browser.newContext({ storageState })
    await context.addInitScript(WATCH_FOR_LIST)
    await loadOnce(context, url) // fills the cache
    const warm: Round[] = []
    for (let i = 0; i < ROUNDS; i++) warm.push(await loadOnce(context, url))
    await context.close()
    return { browser: `Chromium ${browser.version()} headless`, cold_cache: summary(cold), warm_cache: summary(warm) }
  } finally {
    await browser.close()
  }
}

function skipReason(): string | undefined {
  if (!fs.existsSync(path.join(UI_DIR, 'index.html'))) return `no built page at ${UI_DIR} (npm run build writes it)`
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" to time the page`
  return undefined
}

export async function benchPage(): Promise<Record<string, unknown>> {
  const name = 'Data pipelines page: first load and time until the destinations list is shown'
  const firstLoad = fs.existsSync(path.join(UI_DIR, 'index.html')) ? firstLoadWeight(UI_DIR) : undefined
  const skipped = skipReason()
  if (skipped) return { name, first_load: firstLoad, list_shown: { skipped } }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-page-bench-'))
  const emulator = await startChild(CLI, ['emulator', '--port', '0', '--token', TOKEN, '--ad-account', ACCOUNT, '--no-bodies'])
  const server = await startChild(CLI, ['serve', '--port', '0', '--db', path.join(dir, 'bench.sqlite'), '--api-url', emulator.url], { PIPELINES_API_KEY: KEY })
  try {
    await createDestinations(server.url)
    const timings = await timeLoads(`${server.url}/`)
    return {
      name,
      first_load: firstLoad,
      list_shown: { destinations: DESTINATIONS, ...timings, note: 'milliseconds from navigation start to the first frame showing a destination row; server on loopback, signed in' },
    }
  } finally {
    await Promise.all([server.stop(), emulator.stop()])
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
