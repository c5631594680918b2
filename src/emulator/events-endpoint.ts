import type { IncomingMessage, ServerResponse } from 'node:http'
import { checkBatch, type CheckedEvent } from './batch'
import type { FaultDecision, FaultState } from './faults'
import { isJsonContentType, parseJson, readBody, sendJson, type BodyRead, type ParsedJson } from './http-io'
import type { RequestCheck } from './openapi-validator'
import type { AcceptedEvent, Recorder, RequestRecord } from './records'
import { errorReply, invalidRequest, type Reply } from './replies'

export interface EventsContext {
  /** token → ad account ids it may send to */
  credentials: ReadonlyMap<string, ReadonlySet<string>>
  faults: FaultState
  recorder: Recorder
  /** False for load tests: keep each accepted event's identifiers, not its body. */
  keepBodies: boolean
  checkRequest: (body: unknown) => RequestCheck
  nowMs: () => number
  maxBodyBytes: number
  nextRequestId: () => string
  /** Runs `fn` after `ms`, unless the emulator closes first. */
  later: (ms: number, fn: () => void) => void
  /** Keeps a response open without answering, until the emulator closes. */
  hold: (res: ServerResponse) => void
}

const AD_ACCOUNT_ID = /^\d{1,18}$/

interface Outcome {
  reply: Reply | null
  fault: RequestRecord['fault']
  accepted: AcceptedEvent[]
  processed: number
}

interface RequestInfo {
  requestId: string
  adAccountId: string
  receivedAt: string
  test: boolean
}

export async function handleEvents(req: IncomingMessage, res: ServerResponse, adAccountId: string, query: URLSearchParams, ctx: EventsContext): Promise<void> {
  const info: RequestInfo = {
    requestId: ctx.nextRequestId(),
    adAccountId,
    receivedAt: new Date(ctx.nowMs()).toISOString(),
    test: query.get('test') === 'true',
  }
  res.setHeader('x-pinterest-rid', info.requestId)
  const read = await readBody(req, ctx.maxBodyBytes)
  if (read.kind === 'aborted') return
  const parsed = read.kind === 'ok' ? parseJson(read.text) : undefined
  const outcome = decide(req, read, parsed, query, info, ctx)
  ctx.recorder.addEvents(outcome.accepted)
  ctx.recorder.addRequest({
    request_id: info.requestId,
    ad_account_id: adAccountId,
    status: outcome.reply?.status ?? null,
    num_events: countEvents(parsed),
    num_events_processed: outcome.processed,
    test: info.test,
    received_at: info.receivedAt,
    fault: outcome.fault,
  })
  const { reply } = outcome
  if (reply === null) return ctx.hold(res)
  const send = () => sendJson(res, reply.status, reply.body, reply.headers)
  if (ctx.faults.latencyMs > 0) ctx.later(ctx.faults.latencyMs, send)
  else send()
}

// The order follows a real gateway: size limit, then injected faults (standing in for rate limiting and
// ramp-down in front of the service), then auth, then the request itself.
function decide(req: IncomingMessage, read: BodyRead, parsed: ParsedJson | undefined, query: URLSearchParams, info: RequestInfo, ctx: EventsContext): Outcome {
  const rejected = (reply: Reply | null, fault: Outcome['fault'] = null): Outcome => ({ reply, fault, accepted: [], processed: 0 })
  if (read.kind === 'too_large') return rejected(errorReply(413, 0, `Request body is larger than ${ctx.maxBodyBytes} bytes.`))
  const fault = ctx.faults.decideRequest()
  const faultReply = replyForFault(fault, ctx.faults.retryAfterSeconds)
  if (faultReply !== undefined) return rejected(faultReply, fault.kind === 'none' ? null : fault.kind)
  const problem = authorize(req.headers.authorization, info.adAccountId, ctx.credentials) ?? checkTestFlag(query) ?? checkBody(req.headers['content-type'], parsed, ctx.checkRequest)
  const faultName = fault.kind === 'forced' ? 'forced' : null
  if (problem !== undefined) return rejected(problem, faultName)
  return { ...processBatch((parsed as { ok: true; value: { data: CheckedEvent[] } }).value.data, info, ctx), fault: faultName }
}

/** undefined: go on normally (no fault, or a forced 200); null: hang. */
function replyForFault(fault: FaultDecision, retryAfterSeconds: number): Reply | null | undefined {
  switch (fault.kind) {
    case 'hang':
      return null
    case 'rate_limit':
      return errorReply(429, retryAfterSeconds)
    case 'unavailable':
      return errorReply(503, retryAfterSeconds)
    case 'forced':
      return fault.status === 200 ? undefined : errorReply(fault.status, retryAfterSeconds)
    default:
      return undefined
  }
}

function authorize(header: string | undefined, adAccountId: string, credentials: EventsContext['credentials']): Reply | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  const allowed = token === undefined ? undefined : credentials.get(token)
  if (allowed === undefined) return errorReply(401, 0)
  if (!AD_ACCOUNT_ID.test(adAccountId)) {
    return invalidRequest(`ad_account_id '${adAccountId}' does not match '^\\d{1,18}$'`)
  }
  if (!allowed.has(adAccountId)) return errorReply(403, 0)
  return undefined
}

function checkTestFlag(query: URLSearchParams): Reply | undefined {
  const test = query.get('test')
  if (test === null || test === 'true' || test === 'false') return undefined
  return invalidRequest(`test must be true or false, got '${test}'`)
}

function checkBody(contentType: string | undefined, parsed: ParsedJson | undefined, checkRequest: EventsContext['checkRequest']): Reply | undefined {
  if (!isJsonContentType(contentType)) return invalidRequest('Content-Type must be application/json')
  if (parsed === undefined || !parsed.ok) return invalidRequest(`body is not valid JSON (${parsed?.error ?? 'no body'})`)
  const { pinterestMessage } = checkRequest(parsed.value)
  return pinterestMessage === null ? undefined : invalidRequest(pinterestMessage)
}

function processBatch(events: CheckedEvent[], info: RequestInfo, ctx: EventsContext): Omit<Outcome, 'fault'> {
  const response = checkBatch(events, { nowMs: ctx.nowMs(), failsEvent: (id) => ctx.faults.failsEvent(id) })
  const accepted: AcceptedEvent[] = []
  events.forEach((event, i) => {
    if (response.events[i].status === 'processed') accepted.push(toAccepted(event, info, ctx.keepBodies))
  })
  return { reply: { status: 200, body: response }, accepted, processed: response.num_events_processed }
}

function toAccepted(event: CheckedEvent, info: RequestInfo, keepBody: boolean): AcceptedEvent {
  return {
    event_id: event.event_id,
    event_name: event.event_name,
    ad_account_id: info.adAccountId,
    request_id: info.requestId,
    received_at: info.receivedAt,
    test: info.test,
    ...(keepBody ? { event: event as unknown as Record<string, unknown> } : {}),
  }
}

function countEvents(parsed: ParsedJson | undefined): number {
  if (parsed === undefined || !parsed.ok) return 0
  const data = (parsed.value as { data?: unknown } | null)?.data
  return Array.isArray(data) ? data.length : 0
}
