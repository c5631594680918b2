import { isRecord } from '../json'
import { type Field, kindOf, own, readObject } from './coerce'
import { buildCustomData } from './custom-data'
import { buildAppInfo, buildDeviceInfo } from './device'
import { OPTIONAL_EVENT_READERS, eventNameWarning, readActionSource, readEventId, readEventName } from './event-fields'
import { pickFields } from './pick'
import { type ActionSource, type PinterestEvent, PinterestEventSchema, type PinterestUserData, hasRequiredIdentifier } from './schema'
import { type EventTimeResult, toEventTimeSeconds } from './time'
import { noIdentifierReason } from './skip-reasons'
import { buildUserData } from './user-data'

export type BuildResult = { status: 'event'; event: PinterestEvent; warnings: string[] } | { status: 'skipped'; reason: string } | { status: 'error'; reason: string }

export interface BuildOptions {
  nowMs: number
}

interface Core {
  event_name: string
  action_source: ActionSource
  event_id: string
  time: EventTimeResult
  userInput: Field<Record<string, unknown>>
}

const error = (reason: string): BuildResult => ({ status: 'error', reason })
const skipped = (reason: string): BuildResult => ({ status: 'skipped', reason })

function required<T>(name: string, field: Field<T>, why: string, errors: string[]): T | undefined {
  if (field.kind === 'ok') return field.value
  errors.push(field.kind === 'absent' ? `${name} is missing (${why})` : `${name} ${field.problem}`)
  return undefined
}

function readCore(inputs: Record<string, unknown>, nowMs: number): Core | { errors: string[] } {
  const errors: string[] = []
  const read = <T>(name: string, reader: (raw: unknown) => Field<T>, why: string) => required(name, reader(own(inputs, name)), why, errors)
  const event_name = read('event_name', readEventName, 'Pinterest requires it')
  const action_source = read('action_source', readActionSource, 'required')
  const event_id = read('event_id', readEventId, 'Pinterest uses it to deduplicate')
  const time = toEventTimeSeconds(own(inputs, 'event_time'), nowMs)
  if (time.status === 'invalid') errors.push(time.reason)
  const userInput = readObject(own(inputs, 'user_data'))
  if (userInput.kind === 'bad') errors.push(`user_data ${userInput.problem}`)
  if (event_name === undefined || action_source === undefined || event_id === undefined || errors.length > 0) {
    return { errors }
  }
  return { event_name, action_source, event_id, time, userInput }
}

function identifierProblem(userData: PinterestUserData, userInput: Field<unknown>): string | null {
  if (hasRequiredIdentifier(userData)) return null
  if (userInput.kind === 'absent') return noIdentifierReason(' (user_data is missing)')
  const present = Object.keys(userData)
  const found = present.length === 0 ? 'nothing usable' : `only ${present.join(', ')}`
  return noIdentifierReason(`; found ${found}`)
}

function addOptionalParts(inputs: Record<string, unknown>, event: PinterestEvent, warnings: string[]): void {
  const top = pickFields(inputs, OPTIONAL_EVENT_READERS, '')
  Object.assign(event, top.values)
  const custom = buildCustomData(own(inputs, 'custom_data'))
  if (custom.customData !== undefined) event.custom_data = custom.customData
  const app = buildAppInfo(own(inputs, 'app_info'))
  if (app.value !== undefined) event.app_info = app.value
  const device = buildDeviceInfo(own(inputs, 'device_info'))
  if (device.value !== undefined) event.device_info = device.value
  warnings.push(...top.warnings, ...custom.warnings, ...app.warnings, ...device.warnings)
}

/**
 * Checks a built event against the zod schema of Pinterest's event. The builder only creates
 * schema-valid values (the tests validate built events with this and with Pinterest's OpenAPI
 * file), so the hot path does not pay for the check; call it where a second opinion is worth it.
 */
export function checkAgainstSchema(candidate: PinterestEvent): string | null {
  const parsed = PinterestEventSchema.safeParse(candidate)
  if (parsed.success) return null
  const issue = parsed.error.issues[0]
  return `built event failed the Pinterest schema at ${issue.path.join('.') || '(root)'}: ${issue.message}`
}

// Beyond ±8.64e15 ms a Date cannot be formatted, which the time-window messages need.
const isUsableClock = (nowMs: unknown): nowMs is number => typeof nowMs === 'number' && Number.isFinite(nowMs) && nowMs >= 0 && nowMs <= 8.64e15

function build(inputs: unknown, nowMs: unknown): BuildResult {
  if (!isRecord(inputs)) return error(`inputs must be an object, got ${kindOf(inputs)}`)
  if (!isUsableClock(nowMs)) return error('options.nowMs must be a Unix time in milliseconds')
  const core = readCore(inputs, nowMs)
  if ('errors' in core) return error(core.errors.join('; '))
  if (core.time.status !== 'ok') return skipped(core.time.reason)
  const user = core.userInput.kind === 'ok' ? buildUserData(core.userInput.value) : { userData: {}, warnings: [] }
  const missing = identifierProblem(user.userData, core.userInput)
  if (missing !== null) return skipped(missing)
  const nameWarning = eventNameWarning(core.event_name)
  const warnings = [...(nameWarning === null ? [] : [nameWarning]), ...user.warnings]
  const event: PinterestEvent = {
    event_name: core.event_name,
    action_source: core.action_source,
    event_time: core.time.seconds,
    event_id: core.event_id,
    user_data: user.userData,
  }
  addOptionalParts(inputs, event, warnings)
  return { status: 'event', event, warnings }
}

// Never throws: inputs come from user-written templates, and one bad event must not stop a batch.
export function buildPinterestEvent(inputs: Record<string, unknown>, options: BuildOptions): BuildResult {
  try {
    return build(inputs, options?.nowMs)
  } catch (err) {
    return error(`unexpected failure while building the event${describeError(err)}`)
  }
}

function describeError(err: unknown): string {
  try {
    return err instanceof Error ? `: ${String(err.message).slice(0, 200)}` : ''
  } catch {
    return ''
  }
}
