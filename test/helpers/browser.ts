import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import type { ServerOptions } from '../../src/server/server'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium'
import { type Setup, startPipeline } from './pipeline-server'

export { CHROMIUM }

/** Where each screen's screenshot goes (git-ignored). */
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots')

export interface BrowserSetup {
  pipeline: Setup
  context: BrowserContext
  page: Page
  /** Every console message and page error, as `type: text`, in order. */
  console: string[]
  /** Saves a screenshot of the page as test-output/screenshots/<prefix>-<name>.png; returns its path. */
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

export interface BrowserOptions {
  /** The built page the server serves (scripts/build-ui.js output). */
  uiDir: string
  /** Screenshot names start with it (the test's name). */
  prefix: string
  server?: Partial<ServerOptions>
  viewport?: { width: number; height: number }
  /** The browser to drive; Debian's Chromium unless a test says otherwise. */
  executablePath?: string
}

function requireChromium(executablePath: string): void {
  if (!fs.existsSync(executablePath)) {
    throw new Error(`The browser tests need Chromium at ${executablePath}, which is missing: install it with "apt-get install -y chromium" (.ci/run does this).`)
  }
}

/** A pipelines server (serving `uiDir`) with its Pinterest emulator, and a fresh headless Chromium page. */
export async function startBrowser(options: BrowserOptions): Promise<BrowserSetup> {
  const executablePath = options.executablePath ?? CHROMIUM
  requireChromium(executablePath)
  const pipeline = await startPipeline('pipelines-browser-', { ...options.server, uiDir: options.uiDir })
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      baseURL: pipeline.server.url,
    })
  } catch (error) {
    await pipeline.close()
    fs.rmSync(profile, { recursive: true, force: true })
    throw error
  }
  const page = context.pages()[0] ?? (await context.newPage())
  const messages: string[] = []
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`))
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`))
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  return {
    pipeline,
    context,
    page,
    console: messages,
    screenshot: async (name) => {
      const file = path.join(SCREENSHOTS, `${options.prefix}-${name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      return file
    },
    close: async () => {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
      await pipeline.close()
    },
  }
}
