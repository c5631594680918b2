import fs from 'node:fs'
import { type BrowserSetup, startBrowser } from '../helpers/browser'
import { firstProject } from '../helpers/pipeline-server'
import { type BuiltUi, buildFixtureUi } from '../helpers/ui-build'

jest.setTimeout(60_000)

let built: BuiltUi
let browser: BrowserSetup

beforeAll(async () => {
  built = await buildFixtureUi()
  browser = await startBrowser({ uiDir: built.dir, prefix: 'harness' })
})

afterAll(async () => {
  await browser?.close()
  built?.remove()
})

describe('the browser test harness', () => {
  it('signs in through the fixture page in Chromium; the session is an HttpOnly cookie, and the CSP holds', async () => {
    const { page } = browser
    const status = page.locator('#status')
    const response = await page.goto('/')
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await expect(status.textContent()).resolves.toBe('Not checked')
    expect(fs.existsSync(await browser.screenshot('signed-out'))).toBe(true)

    await page.click('#check')
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status').textContent !== 'Not checked')
    await expect(status.textContent()).resolves.toBe('Not signed in (401)')

    await page.getByLabel('Personal API key').fill(firstProject.key)
    await page.click('#sign-in')
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status').textContent === 'Signed in')
    await page.click('#check')
    await page.waitForFunction(() => (globalThis as any).document.getElementById('status').textContent.startsWith('Signed in to'))
    await expect(status.textContent()).resolves.toBe('Signed in to Default project with environment')
    expect(fs.existsSync(await browser.screenshot('signed-in'))).toBe(true)

    // The stylesheet came from its own file under the CSP.
    await expect(status.evaluate((el) => (globalThis as any).getComputedStyle(el).color)).resolves.toBe('rgb(29, 78, 216)')
    // The key is not kept by the page, and the session cookie is out of the scripts' reach.
    await expect(page.evaluate(() => (globalThis as any).document.cookie)).resolves.toBe('')
    const cookies = await browser.context.cookies()
    expect(cookies).toEqual([expect.objectContaining({ name: 'pcapi_session', httpOnly: true, sameSite: 'Strict', path: '/' })])
    expect(browser.console.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual([])
    expect(browser.console.filter((line) => line.startsWith('error') || line.startsWith('pageerror'))).toEqual([
      // The first check, before signing in, is a 401 on purpose; Chromium reports the failed fetch.
      expect.stringMatching(/^error: Failed to load resource: the server responded with a status of 401/),
    ])
  })

  it('Chromium enforces the CSP: an inline script does not run and is reported', async () => {
    const { page } = browser
    const ran = await page.evaluate(async () => {
      const g = globalThis as any
      const violations: string[] = []
      g.document.addEventListener('securitypolicyviolation', (e: any) => violations.push(e.violatedDirective))
      const script = g.document.createElement('script')
      script.textContent = 'globalThis.inlineRan = true'
      g.document.body.append(script)
      await new Promise((resolve) => setTimeout(resolve, 100))
      return { inlineRan: g.inlineRan === true, violations }
    })
    expect(ran).toEqual({ inlineRan: false, violations: ['script-src-elem'] })
  })

  it('fails, saying what to install, when Chromium is missing', async () => {
    await expect(startBrowser({ uiDir: built.dir, prefix: 'missing', executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      'The browser tests need Chromium at /nonexistent/chromium, which is missing: install it with "apt-get install -y chromium" (.ci/run does this).',
    )
  })
})
