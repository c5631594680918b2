import { PINTEREST_OPENAPI_SCHEMAS } from '../../src/emulator/bundled-schemas'
import { createRequestChecker, createRequestValidator } from '../../src/emulator/openapi-validator'
import { pinterestEvent } from './helpers'

const strict = createRequestChecker(PINTEREST_OPENAPI_SCHEMAS, { rejectUnknownKeys: true })
const official = createRequestValidator(PINTEREST_OPENAPI_SCHEMAS)
const withEvent = (overrides: Record<string, unknown>) => ({ data: [pinterestEvent(overrides)] })

describe('createRequestValidator', () => {
  it('accepts a valid body and nullable fields set to null', () => {
    expect(official({ data: [pinterestEvent()] })).toEqual([])
    expect(official(withEvent({ event_source_url: null, custom_data: { value: null, currency: 'EUR' } }))).toEqual([])
  })

  it.each([
    [withEvent({ custom_data: { category_name: 'lamps' } }), "/data/0/custom_data must NOT have additional properties ('category_name' was unexpected)"],
    [withEvent({ user_data: { ph: ['x'] } }), '/data/0/user_data must have (em) or (hashed_maids) or (client_ip_address and client_user_agent)'],
    [withEvent({ user_data: 'x' }), '/data/0/user_data must be object'],
    [withEvent({ event_time: 2 ** 60 }), '/data/0/event_time must be a safe integer (int64)'],
    [withEvent({ device_info: { battery_level: 101 } }), '/data/0/device_info/battery_level must be <= 100'],
    [withEvent({ event_id: undefined }), "/data/0 must have required property 'event_id'"],
    [{ data: [] }, '/data must NOT have fewer than 1 items'],
    [{ data: Array.from({ length: 1001 }, () => pinterestEvent()) }, '/data must NOT have more than 1000 items'],
    [{ data: [pinterestEvent()], extra: 1 }, "/ must NOT have additional properties ('extra' was unexpected)"],
  ])('names the path and the problem (%#)', (body, problem) => {
    expect(official(body)).toEqual([problem])
  })

  it('follows the official schema, which leaves user_data open, unless asked to reject unknown keys', () => {
    const body = withEvent({ user_data: { em: ['x'], nickname: ['y'] } })
    expect(official(body)).toEqual([])
    expect(strict(body).problems).toEqual(["/data/0/user_data must NOT have additional properties ('nickname' was unexpected)"])
  })
})

describe("Pinterest's wording of the first problem", () => {
  it.each([
    [withEvent({ custom_data: { category_name: 'lamps' } }), "Additional properties are not allowed ('category_name' was unexpected)"],
    [withEvent({ custom_data: { a: 1, b: 2 } }), "Additional properties are not allowed ('a', 'b' were unexpected)"],
    [withEvent({ event_id: undefined }), "'event_id' is a required property"],
    [withEvent({ event_id: 7 }), "7 is not of type 'string'"],
    [withEvent({ event_source_url: 7 }), "7 is not of type 'string', 'null'"],
    [withEvent({ user_data: { ph: ['x'] } }), "{'ph': ['x']} is not valid under any of the given schemas"],
    [withEvent({ device_info: { os_family: 'beos' } }), "'beos' is not one of ['ios', 'android', 'macos', 'windows', 'linux', 'bsd', 'other']"],
    [withEvent({ app_info: { window_width: -1 } }), '-1 is less than the minimum of 0'],
    [{ data: [] }, '[] is too short'],
  ])('%#', (body, message) => {
    expect(strict(body).pinterestMessage).toBe(message)
  })

  it('is null for a valid body', () => {
    expect(strict({ data: [pinterestEvent()] })).toEqual({ problems: [], pinterestMessage: null })
  })
})
