import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/server'

export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0)
export const NOW_S = NOW_MS / 1000
export const TOKEN = 'test-token'
export const AD_ACCOUNT = '549755885175'
export const EMAIL_HASH = 'a'.repeat(64)

/** Starts emulators on a fixed clock and closes every one of them after each test. */
export function emulatorPerTest(): (options?: EmulatorOptions) => Promise<RunningEmulator> {
  const running: RunningEmulator[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()))
  })
  return async (options = {}) => {
    const emulator = await startEmulator({ nowMs: () => NOW_MS, ...options })
    running.push(emulator)
    return emulator
  }
}

export function pinterestEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_name: 'checkout',
    action_source: 'web',
    event_time: NOW_S,
    event_id: 'evt-1',
    user_data: { em: [EMAIL_HASH] },
    ...overrides,
  }
}

export interface PostOptions {
  token?: string | null
  adAccount?: string
  query?: string
  contentType?: string
  rawBody?: string
  signal?: AbortSignal
}

export interface Answer {
  status: number
  body: any
  headers: Headers
}

/** POSTs to the events endpoint the way the dispatcher does. */
export async function postEvents(emulator: RunningEmulator, body: unknown, options: PostOptions = {}): Promise<Answer> {
  const token = options.token === undefined ? TOKEN : options.token
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' }
  if (token !== null) headers.authorization = `Bearer ${token}`
  const url = `${emulator.url}/v5/ad_accounts/${options.adAccount ?? AD_ACCOUNT}/events${options.query ?? ''}`
  const res = await fetch(url, { method: 'POST', headers, body: options.rawBody ?? JSON.stringify(body), signal: options.signal })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

export async function getJson(emulator: RunningEmulator, path: string): Promise<Answer> {
  const res = await fetch(`${emulator.url}${path}`)
  return { status: res.status, body: await res.json(), headers: res.headers }
}

export async function sendJsonTo(emulator: RunningEmulator, method: string, path: string, body?: unknown): Promise<Answer> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } }
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body)
  const res = await fetch(`${emulator.url}${path}`, init)
  return { status: res.status, body: await res.json(), headers: res.headers }
}

export const processed = { status: 'processed', error_message: null, warning_message: null }
export const failed = (error_message: string) => ({ status: 'failed', error_message, warning_message: null })
