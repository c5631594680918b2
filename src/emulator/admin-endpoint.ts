import type { IncomingMessage, ServerResponse } from 'node:http'
import { FaultsError, type FaultState } from './faults'
import { parseJson, readBody, sendJson } from './http-io'
import type { Recorder } from './records'

// Loopback tooling for tests and developers: no auth, JSON in and out.

export interface AdminContext {
  faults: FaultState
  recorder: Recorder
}

const ADMIN_BODY_LIMIT = 1024 * 1024

type Route = (req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminContext) => void | Promise<void>

const ROUTES: Record<string, Partial<Record<string, Route>>> = {
  '/_health': { GET: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
  '/_emulator/events': { GET: listEvents },
  '/_emulator/requests': { GET: (_req, res, _url, ctx) => sendJson(res, 200, { requests: ctx.recorder.requests() }) },
  '/_emulator/faults': {
    GET: (_req, res, _url, ctx) => sendJson(res, 200, ctx.faults.current()),
    PUT: replaceFaults,
  },
  '/_emulator/reset': {
    POST: (_req, res, _url, ctx) => {
      ctx.recorder.reset()
      sendJson(res, 200, { reset: true })
    },
  },
}

/** Answers an admin path; false when the path is not an admin one. */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminContext): Promise<boolean> {
  const methods = ROUTES[url.pathname]
  if (methods === undefined) return false
  const route = methods[req.method ?? 'GET']
  if (route === undefined) {
    sendJson(res, 405, { message: `${req.method} is not allowed on ${url.pathname}` }, { allow: Object.keys(methods).join(', ') })
  } else {
    await route(req, res, url, ctx)
  }
  return true
}

function listEvents(_req: IncomingMessage, res: ServerResponse, url: URL, ctx: AdminContext): void {
  const adAccountId = url.searchParams.get('ad_account_id') ?? undefined
  const test = url.searchParams.get('test') === 'true'
  sendJson(res, 200, { events: ctx.recorder.events({ adAccountId, test }) })
}

async function replaceFaults(req: IncomingMessage, res: ServerResponse, _url: URL, ctx: AdminContext): Promise<void> {
  const read = await readBody(req, ADMIN_BODY_LIMIT)
  if (read.kind === 'aborted') return
  if (read.kind === 'too_large') return sendJson(res, 413, { message: 'faults body too large' })
  const parsed = parseJson(read.text)
  if (!parsed.ok) return sendJson(res, 400, { message: `faults body is not valid JSON (${parsed.error})` })
  try {
    sendJson(res, 200, ctx.faults.set(parsed.value))
  } catch (error) {
    if (!(error instanceof FaultsError)) throw error
    sendJson(res, 400, { message: error.message })
  }
}
