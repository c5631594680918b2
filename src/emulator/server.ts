import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleAdmin } from './admin-endpoint'
import { PINTEREST_OPENAPI_SCHEMAS } from './bundled-schemas'
import { handleEvents, type EventsContext } from './events-endpoint'
import { FaultState, type ActiveFaults, type Faults } from './faults'
import { sendJson } from './http-io'
import { createRequestChecker } from './openapi-validator'
import { Recorder, type AcceptedEvent, type RequestRecord } from './records'

export interface Credential {
  token: string
  adAccountIds: string[]
}

export interface EmulatorOptions {
  host?: string
  /** 0 (the default) picks a free port. */
  port?: number
  credentials?: Credential[]
  faults?: Faults
  /** Seed of the generator behind the random fault shares. */
  seed?: number
  nowMs?: () => number
  maxBodyBytes?: number
  /** Keep the body of each accepted event (default true); load tests turn it off to save memory. */
  keepBodies?: boolean
}

export interface RunningEmulator {
  url: string
  port: number
  close(): Promise<void>
  /** Replaces the faults; throws FaultsError naming the bad field. */
  setFaults(faults: Faults): ActiveFaults
  faults(): ActiveFaults
  /** Forgets what was received; credentials and faults stay. */
  reset(): void
  /** Processed events of live (non-test) requests, in arrival order. */
  accepted(): AcceptedEvent[]
  /** Processed events of `?test=true` requests, which Pinterest would not record. */
  testEvents(): AcceptedEvent[]
  requests(): RequestRecord[]
}

export const DEFAULT_CREDENTIALS: Credential[] = [{ token: 'test-token', adAccountIds: ['549755885175'] }]
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

const EVENTS_PATH = /^\/v5\/ad_accounts\/([^/]*)\/events\/?$/

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const recorder = new Recorder()
  const faults = new FaultState(options.faults, options.seed ?? 1)
  const pending = new PendingWork()
  const context: EventsContext = {
    credentials: credentialMap(options.credentials ?? DEFAULT_CREDENTIALS),
    faults,
    recorder,
    keepBodies: options.keepBodies ?? true,
    checkRequest: createRequestChecker(PINTEREST_OPENAPI_SCHEMAS, { rejectUnknownKeys: true }),
    nowMs: options.nowMs ?? Date.now,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    nextRequestId: requestIds(),
    later: (ms, fn) => pending.later(ms, fn),
    hold: (res) => pending.hold(res),
  }
  const server = http.createServer((req, res) => {
    route(req, res, context).catch((error: unknown) => {
      if (res.headersSent) res.destroy()
      else sendJson(res, 500, { code: 500, message: `emulator error: ${(error as Error).message}` })
    })
  })
  const port = await listen(server, options.host ?? '127.0.0.1', options.port ?? 0)
  const host = options.host ?? '127.0.0.1'
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => stop(server, pending),
    setFaults: (f) => faults.set(f),
    faults: () => faults.current(),
    reset: () => recorder.reset(),
    accepted: () => recorder.events(),
    testEvents: () => recorder.events({ test: true }),
    requests: () => recorder.requests(),
  }
}

async function route(req: IncomingMessage, res: ServerResponse, context: EventsContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator')
  const events = EVENTS_PATH.exec(url.pathname)
  if (events !== null) {
    if (req.method !== 'POST') return sendJson(res, 405, { code: 405, message: 'Method not allowed.' }, { allow: 'POST' })
    return handleEvents(req, res, safeDecode(events[1]), url.searchParams, context)
  }
  if (await handleAdmin(req, res, url, context)) return
  sendJson(res, 404, { code: 404, message: `No route for ${req.method} ${url.pathname}.` })
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function credentialMap(credentials: Credential[]): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>()
  for (const { token, adAccountIds } of credentials) {
    const ids = map.get(token) ?? new Set<string>()
    adAccountIds.forEach((id) => ids.add(id))
    map.set(token, ids)
  }
  return map
}

// Hex like Pinterest's request ids; a counter keeps them unique and readable in test output.
function requestIds(): () => string {
  let counter = 0
  return () => `e${(++counter).toString(16).padStart(15, '0')}`
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

async function stop(server: http.Server, pending: PendingWork): Promise<void> {
  pending.cancel()
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    // Idle keep-alive sockets and hung requests would otherwise hold close() open.
    server.closeAllConnections()
  })
}

/** Delayed answers and hung requests, all dropped at close. */
class PendingWork {
  private timers = new Set<NodeJS.Timeout>()
  private held = new Set<ServerResponse>()

  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fn()
    }, ms)
    this.timers.add(timer)
  }

  hold(res: ServerResponse): void {
    this.held.add(res)
    res.on('close', () => this.held.delete(res))
  }

  cancel(): void {
    this.timers.forEach((t) => clearTimeout(t))
    this.timers.clear()
    this.held.forEach((res) => res.destroy())
    this.held.clear()
  }
}
