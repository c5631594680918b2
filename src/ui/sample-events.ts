/** The sample events of the Testing tab: realistic PostHog web events, one per prebuilt mapping they exercise. */

export type SampleId = 'checkout' | 'search' | 'add_to_cart' | 'pageview'

export interface Sample {
  id: SampleId
  /** What the picker calls it. */
  label: string
  /** The PostHog event: the trigger of the prebuilt mapping it exercises. */
  event: string
  properties: Record<string, unknown>
}

/** PostHog invocation globals: what a destination sees of one event. */
export interface SampleGlobals {
  event: { uuid: string; event: string; distinct_id: string; timestamp: string; properties: Record<string, unknown> }
  person: { id: string; properties: Record<string, unknown> }
}

const PRODUCT = { product_id: 'lamp-01', sku: 'LAMP-01', name: 'Arc Floor Lamp', brand: 'Lumen', category: 'Lighting', price: 149, quantity: 1 }
const BULB = { product_id: 'bulb-e27', sku: 'BULB-E27', name: 'E27 LED Bulb', brand: 'Lumen', category: 'Lighting', price: 6.5, quantity: 4 }

export const SAMPLES: readonly Sample[] = [
  {
    id: 'checkout',
    label: 'Checkout',
    event: 'Order Completed',
    properties: { order_id: 'A-1001', revenue: 175, total: 189.5, shipping: 9.5, tax: 5, currency: 'USD', products: [PRODUCT, BULB] },
  },
  { id: 'search', label: 'Search', event: 'Products Searched', properties: { query: 'floor lamp' } },
  { id: 'add_to_cart', label: 'Add to Cart', event: 'Product Added', properties: { ...PRODUCT, currency: 'USD' } },
  { id: 'pageview', label: 'Page view', event: '$pageview', properties: { title: 'Arc Floor Lamp | Acme' } },
]

/** What posthog-js sends with every web event, from a visitor who came from a Pin (its `epik` click id). */
const WEB_PROPERTIES = {
  $current_url: 'https://shop.acme.example/products/lamp?utm_source=pinterest&epik=dj0yJnU9Zm9vYmFy',
  $host: 'shop.acme.example',
  $pathname: '/products/lamp',
  $referrer: 'https://www.pinterest.com/',
  $raw_user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  $browser: 'Chrome',
  $os: 'Mac OS X',
  $device_type: 'Desktop',
  $lib: 'web',
  $ip: '203.0.113.42',
  $geoip_city_name: 'Portland',
  $geoip_country_code: 'US',
  utm_source: 'pinterest',
  epik: 'dj0yJnU9Zm9vYmFy',
}

const PERSON = {
  id: '01936b5e-8000-7000-8000-000000000001',
  properties: {
    email: 'Jane.Doe@Acme-Customer.example',
    phone: '+1 (503) 555-0142',
    first_name: 'Jane',
    last_name: 'Doe',
    city: 'Portland',
    state: 'Oregon',
    zip: '97205-1234',
    country: 'United States',
  },
}

/** The sample as invocation globals, happening at `timestamp` (Pinterest takes events of the last 7 days) with id `uuid`. */
export function sampleGlobals(sample: Sample, timestamp: string, uuid: string): SampleGlobals {
  return {
    event: { uuid, event: sample.event, distinct_id: 'user-42', timestamp, properties: { ...WEB_PROPERTIES, ...sample.properties } },
    person: structuredClone(PERSON),
  }
}
