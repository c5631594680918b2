import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { FIXTURES_PATH } from '../helpers/fixtures'

// Test-side helpers: an independent SHA-256 and resolved inputs shaped like the prebuilt mappings would make them.

export const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')

export { FIXTURES_PATH }

type Obj = Record<string, any>

export function loadFixtures(): Obj[] {
  return fs
    .readFileSync(FIXTURES_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
}

// Fixture timestamps are fixed; tests run "5 minutes after" them so the 7-day window holds.
export const FIXTURE_NOW_MS = Date.parse('2026-11-29T10:20:00.000Z')

export function personUserData(globals: Obj): Obj {
  const p = globals.person?.properties ?? {}
  const e = globals.event.properties
  return {
    email: p.email,
    phone: p.phone,
    first_name: p.first_name,
    last_name: p.last_name,
    gender: p.gender,
    date_of_birth: p.date_of_birth,
    city: p.city,
    state: p.state,
    zip: p.zip,
    country: p.country,
    external_id: globals.event.distinct_id,
    client_ip_address: e.$ip,
    client_user_agent: e.$raw_user_agent,
    click_id: e.epik,
  }
}

export function resolvedInputs(globals: Obj, eventName: string, customData: Obj = {}): Obj {
  const e = globals.event
  return {
    event_name: eventName,
    action_source: 'web',
    event_time: e.timestamp,
    event_id: e.uuid,
    event_source_url: e.properties.$current_url,
    user_data: personUserData(globals),
    custom_data: customData,
  }
}

// What Pinterest should receive for the fixtures' person Jane Doe, hashed by hand from Pinterest's rules.
export const JANE_USER_DATA = {
  em: [sha('jane.doe@acme-customer.example')],
  ph: [sha('15035550142')],
  fn: [sha('jane')],
  ln: [sha('doe')],
  ge: [sha('f')],
  db: [sha('19880704')],
  ct: [sha('portland')],
  st: [sha('or')],
  zp: [sha('97205')],
  country: [sha('us')],
  external_id: [sha('user-42')],
  client_ip_address: '203.0.113.42',
  client_user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  click_id: 'dj0yJnU9Zm9vYmFy',
}

export const NOW_MS = Date.parse('2026-11-29T12:00:00.000Z')
export const NOW_S = NOW_MS / 1000

export function minimalInputs(overrides: Obj = {}): Obj {
  return { event_name: 'lead', event_time: NOW_S - 60, event_id: 'evt-1', user_data: { email: 'a@b.co' }, ...overrides }
}
