import type { z } from 'zod'
import * as schema from '../../src/pinterest/schema'
import { loadOpenApi } from '../helpers/pinterest-schema'

type Prop = { type?: string; maxLength?: number; minimum?: number; maximum?: number; enum?: string[]; maxItems?: number }
type ObjectSchema = { properties: Record<string, Prop & Record<string, unknown>> }

const schemas = loadOpenApi().components.schemas as unknown as Record<string, ObjectSchema & Record<string, any>>
const eventSchema = schemas.ConversionEvents.properties.data.items as ObjectSchema & { properties: Record<string, any> }

const pairs: ReadonlyArray<readonly [string, z.ZodObject, ObjectSchema]> = [
  ['event', schema.PinterestEventSchema, eventSchema],
  ['user_data', schema.UserDataSchema, schemas.ConversionEventsUserDataProperties],
  ['custom_data', schema.CustomDataSchema, eventSchema.properties.custom_data],
  ['contents item', schema.ContentItemSchema, eventSchema.properties.custom_data.properties.contents.items],
  ['app_info', schema.AppInfoSchema, schemas.ConversionEventAppInfo],
  ['device_info', schema.DeviceInfoSchema, schemas.ConversionEventDeviceInfo],
]

describe.each(pairs)('zod %s schema', (_name, zodSchema, openApi) => {
  it('has exactly the OpenAPI property names', () => {
    expect(Object.keys(zodSchema.shape).sort()).toEqual(Object.keys(openApi.properties).sort())
  })

  it('rejects unknown keys', () => {
    expect(zodSchema.safeParse({ not_a_field: 'x' }).success).toBe(false)
  })
})

// Every app_info/device_info property as [label, zod object, OpenAPI property].
const properties: ReadonlyArray<readonly [string, z.ZodObject, string, Prop]> = pairs
  .filter(([name]) => name === 'app_info' || name === 'device_info')
  .flatMap(([name, zodSchema, openApi]) => Object.entries(openApi.properties).map(([key, prop]) => [`${name}.${key}`, zodSchema, key, prop] as const))
const accepts = (zodSchema: z.ZodObject, key: string, value: unknown) => zodSchema.safeParse({ [key]: value }).success
const withConstraint = (c: keyof Prop) => properties.filter(([, , , p]) => p[c] !== undefined)

describe('zod app_info/device_info constraints match the OpenAPI', () => {
  it.each(withConstraint('maxLength'))('%s maxLength', (_label, zodSchema, key, p) => {
    expect(accepts(zodSchema, key, 'x'.repeat(p.maxLength!))).toBe(true)
    expect(accepts(zodSchema, key, 'x'.repeat(p.maxLength! + 1))).toBe(false)
  })

  it.each(properties.filter(([, , , p]) => p.type === 'integer'))('%s integer range', (_label, zodSchema, key, p) => {
    expect(accepts(zodSchema, key, p.minimum ?? 0)).toBe(true)
    expect(accepts(zodSchema, key, 1.5)).toBe(false)
    if (p.minimum !== undefined) expect(accepts(zodSchema, key, p.minimum - 1)).toBe(false)
    if (p.maximum !== undefined) {
      expect(accepts(zodSchema, key, p.maximum)).toBe(true)
      expect(accepts(zodSchema, key, p.maximum + 1)).toBe(false)
    }
  })

  it.each(withConstraint('enum'))('%s enum', (_label, zodSchema, key, p) => {
    for (const value of p.enum!) expect(accepts(zodSchema, key, value)).toBe(true)
    expect(accepts(zodSchema, key, 'not-in-enum')).toBe(false)
    expect(accepts(zodSchema, key, p.enum![0].toUpperCase())).toBe(false)
  })

  it.each(withConstraint('maxItems'))('%s maxItems', (_label, zodSchema, key, p) => {
    expect(
      accepts(
        zodSchema,
        key,
        Array.from({ length: p.maxItems! }, () => 'en'),
      ),
    ).toBe(true)
    expect(
      accepts(
        zodSchema,
        key,
        Array.from({ length: p.maxItems! + 1 }, () => 'en'),
      ),
    ).toBe(false)
  })
})

describe('event names and action sources', () => {
  const listed = (description: string) => [...description.matchAll(/`([a-z_]+)`/g)].map((m) => m[1])

  it('covers every event name the OpenAPI lists, plus the documented extra ones', () => {
    const fromSpec = listed(eventSchema.properties.event_name.description)
    expect(fromSpec.length).toBeGreaterThan(10)
    expect(schema.STANDARD_EVENT_NAMES).toEqual(expect.arrayContaining(fromSpec))
    expect(schema.STANDARD_EVENT_NAMES).toHaveLength(22)
  })

  it('has exactly the action sources the OpenAPI lists', () => {
    expect([...schema.ACTION_SOURCES].sort()).toEqual(listed(eventSchema.properties.action_source.description).sort())
  })
})

describe('user_data identifier rule', () => {
  it.each([
    [{ em: ['x'] }, true],
    [{ hashed_maids: ['x'] }, true],
    [{ client_ip_address: '1.2.3.4', client_user_agent: 'UA' }, true],
    [{ client_ip_address: '1.2.3.4' }, false],
    [{ ph: ['x'] }, false],
    [{}, false],
  ])('%j → %s', (userData, valid) => {
    expect(schema.UserDataSchema.safeParse(userData).success).toBe(valid)
  })
})
