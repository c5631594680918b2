import fs from 'node:fs'
import path from 'node:path'

// Pinterest's OpenAPI file and the PostHog fixtures live in shared/ beside the checkout; a clone on its
// own reads the copies in test/shared/ (taken from shared/ on 2026-11-29).
const BESIDE_CHECKOUT = path.resolve(__dirname, '../../../shared')
export const SHARED_DIR = fs.existsSync(path.join(BESIDE_CHECKOUT, 'fixtures', 'posthog-events.jsonl')) ? BESIDE_CHECKOUT : path.resolve(__dirname, '../shared')
export const FIXTURES_PATH = path.join(SHARED_DIR, 'fixtures', 'posthog-events.jsonl')

/** The fixture events' own clock: they all happened at this instant. */
export const FIXTURE_TIME = '2026-11-29T10:15:00.000Z'
/** A clock one hour later, inside Pinterest's 7-day window for every fixture. */
export const NOW_MS = Date.parse('2026-11-29T11:15:00.000Z')

export type Globals = {
  event: { uuid: string; event: string; distinct_id: string; timestamp: string; properties: Record<string, unknown> }
  person: { id: string; properties: Record<string, unknown> } | null
  groups: Record<string, unknown>
  project: { id: number; name: string; url: string }
}

/** The PostHog events of shared/fixtures/posthog-events.jsonl, one invocation globals object each. */
export function fixtureEvents(): Globals[] {
  const text = fs.readFileSync(FIXTURES_PATH, 'utf8')
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Globals)
}

export function fixtureEvent(name: string, index = 0): Globals {
  const found = fixtureEvents().filter((g) => g.event.event === name)[index]
  if (!found) throw new Error(`no fixture event ${name}`)
  return found
}

/** A web event from the fixtures renamed, with extra properties: for mappings the fixtures do not cover. */
export function webEvent(name: string, properties: Record<string, unknown> = {}): Globals {
  const base = structuredClone(fixtureEvent('$pageview'))
  base.event.event = name
  base.event.uuid = `0193aaaa-0000-7000-8000-${name.replace(/\W/g, '').toLowerCase().padEnd(12, '0').slice(0, 12)}`
  Object.assign(base.event.properties, properties)
  return base
}

export const BASE_CONFIG = {
  type: 'destination',
  template_id: 'segment-actions-pinterest-conversions-api',
  inputs: {
    ad_account_id: { value: '549755885175' },
    conversion_token: { value: 'pina_test_token_123' },
  },
}

/** [line, mapping, status] for each fixture event run through BASE_CONFIG's default mappings. */
export const FIXTURE_RESULTS = [
  [1, 'Page Visit', 'event'],
  [2, 'Search', 'event'],
  [3, 'Add to Cart', 'event'],
  [4, 'Initiate Checkout', 'event'],
  [5, 'Checkout', 'event'],
  [6, 'Sign Up', 'event'],
  [7, 'App Open', 'event'],
  [8, 'Page Visit', 'skipped'],
]

/** The template's prebuilt mappings that run by default, in the template's order (Report Conversions Event is not one). */
export const DEFAULT_MAPPING_NAMES = [
  'Checkout',
  'Search',
  'Add to Cart',
  'Page Visit',
  'Sign Up',
  'Lead',
  'View Category',
  'View Content',
  'Watch Video',
  'Add to Wishlist',
  'Initiate Checkout',
  'Add Payment Info',
  'App Install',
  'App Open',
  'Start Trial',
  'Subscribe',
]
