import { invokeChecked } from '../helpers/checked'
import { createHash } from 'node:crypto'
import { compileFunction, type CompiledFunction } from '../../src/mapping/compile-function'
import type { InvocationResult } from '../../src/mapping/invoke'
import { loadTemplate } from '../../src/template/load'
import { BASE_CONFIG, DEFAULT_MAPPING_NAMES, fixtureEvent, fixtureEvents, NOW_MS, webEvent } from '../helpers/fixtures'
import { validatePinterestRequest } from '../helpers/pinterest-schema'
import { JANE_USER_DATA } from '../pinterest/inputs'

const sha = (s: string) => createHash('sha256').update(s).digest('hex')

let fn: CompiledFunction

beforeAll(async () => {
  fn = await compileFunction(BASE_CONFIG)
})

function mapOne(globals: unknown): Extract<InvocationResult, { status: 'event' }> {
  const results = invokeChecked(fn, globals, { nowMs: NOW_MS })
  expect(results).toHaveLength(1)
  const [result] = results
  if (result.status !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`)
  expect(validatePinterestRequest({ data: [result.event] })).toEqual([])
  return result
}

const FIXTURE_SECONDS = 1795947300
const PAGE_URL = 'https://shop.acme.example/products/lamp?utm_source=pinterest&epik=dj0yJnU9Zm9vYmFy'

describe('prebuilt mappings on the PostHog fixtures', () => {
  it('Checkout maps Order Completed to exactly this Pinterest event', () => {
    const result = mapOne(fixtureEvent('Order Completed'))
    expect(result.mapping).toBe('Checkout')
    expect(result.event).toEqual({
      event_name: 'checkout',
      action_source: 'web',
      event_time: FIXTURE_SECONDS,
      event_id: '01936b60-0005-7000-8000-000000000005',
      event_source_url: PAGE_URL,
      user_data: JANE_USER_DATA,
      custom_data: {
        currency: 'USD',
        value: '175',
        order_id: 'A-1001',
        content_ids: ['lamp-01', 'bulb-e27'],
        contents: [
          { id: 'lamp-01', item_price: '149', quantity: 1, item_name: 'Arc Floor Lamp', item_category: 'Lighting', item_brand: 'Lumen' },
          { id: 'bulb-e27', item_price: '6.5', quantity: 4, item_name: 'E27 LED Bulb', item_category: 'Lighting', item_brand: 'Lumen' },
        ],
        num_items: 5,
      },
    })
  })

  it('Page Visit maps $pageview', () => {
    const result = mapOne(fixtureEvent('$pageview'))
    expect(result.mapping).toBe('Page Visit')
    expect(result.event).toEqual({
      event_name: 'page_visit',
      action_source: 'web',
      event_time: FIXTURE_SECONDS,
      event_id: '01936b60-0001-7000-8000-000000000001',
      event_source_url: PAGE_URL,
      user_data: JANE_USER_DATA,
    })
  })

  it('Search sends the query as search_string', () => {
    const result = mapOne(fixtureEvent('Products Searched'))
    expect(result.event.event_name).toBe('search')
    expect(result.event.custom_data).toEqual({ search_string: fixtureEvent('Products Searched').event.properties.query })
  })

  it('Add to Cart reads the event itself as the product', () => {
    const result = mapOne(fixtureEvent('Product Added'))
    const p = fixtureEvent('Product Added').event.properties
    expect(result.event.event_name).toBe('add_to_cart')
    expect(result.event.custom_data).toEqual({
      currency: p.currency,
      value: String(p.price),
      content_ids: [p.product_id],
      contents: [{ id: p.product_id, item_price: String(p.price), quantity: p.quantity, item_name: p.name, item_category: p.category, item_brand: p.brand }],
      num_items: p.quantity,
      content_name: p.name,
      content_category: p.category,
      content_brand: p.brand,
    })
  })

  it('Initiate Checkout maps Checkout Started with value and products', () => {
    const result = mapOne(fixtureEvent('Checkout Started'))
    const p = fixtureEvent('Checkout Started').event.properties
    expect(result.event.event_name).toBe('initiate_checkout')
    expect(result.event.custom_data?.value).toBe(String(p.value))
    expect(result.event.custom_data?.order_id).toBe(p.order_id)
    expect(result.event.custom_data?.contents).toHaveLength((p.products as unknown[]).length)
  })

  it('Sign Up maps Signed Up', () => {
    const result = mapOne(fixtureEvent('Signed Up'))
    expect(result.event.event_name).toBe('signup')
    expect(result.event.user_data.em).toEqual([sha('jane.doe@acme-customer.example')])
  })

  it('App Open maps an iOS Application Opened with app and device info', () => {
    const result = mapOne(fixtureEvent('Application Opened'))
    expect(result.event).toEqual({
      event_name: 'app_open',
      action_source: 'app_ios',
      event_time: FIXTURE_SECONDS,
      event_id: '01936b60-0007-7000-8000-000000000007',
      user_data: {
        external_id: [sha('ios-device-7')],
        client_ip_address: '198.51.100.23',
        client_user_agent: 'AcmeShop/3.4.1 (iPhone; iOS 18.1; Scale/3.00)',
      },
      app_info: { app_name: 'Acme Shop', app_version: '3.4.1', app_package_name: 'com.acme.shop' },
      device_info: {
        brand: 'Apple',
        model: 'iPhone16,2',
        os_family: 'ios',
        os_version: '18.1',
        form_factor: 'cellphone',
        carrier: 'Verizon',
        locale: 'en-US',
        timezone: 'America/Los_Angeles',
        screen_width: 393,
        screen_height: 852,
      },
      wifi: true,
      language: 'en',
    })
  })

  it('skips the personless page view without identifiers, with the reason', () => {
    const results = invokeChecked(fn, fixtureEvents()[7], { nowMs: NOW_MS })
    expect(results).toEqual([
      {
        mapping: 'Page Visit',
        status: 'skipped',
        reason: expect.stringMatching(/no identifier/),
      },
    ])
  })

  it.each([
    ['Lead Generated', 'Lead', 'lead'],
    ['Product List Viewed', 'View Category', 'view_category'],
    ['Product Category Viewed', 'View Category', 'view_category'],
    ['Product Viewed', 'View Content', 'view_content'],
    ['Video Playback Started', 'Watch Video', 'watch_video'],
    ['Product Video Watched', 'Watch Video', 'watch_video'],
    ['Product Added to Wishlist', 'Add to Wishlist', 'add_to_wishlist'],
    ['Payment Info Entered', 'Add Payment Info', 'add_payment_info'],
    ['Trial Started', 'Start Trial', 'start_trial'],
    ['Subscription Created', 'Subscribe', 'subscribe'],
  ])('%s goes through %s as %s', (eventName, mapping, pinterestName) => {
    const result = mapOne(webEvent(eventName, { value: 49, currency: 'EUR', product_id: 'plan-pro' }))
    expect(result.mapping).toBe(mapping)
    expect(result.event.event_name).toBe(pinterestName)
    expect(result.event.user_data).toEqual(JANE_USER_DATA)
    expect(result.event.custom_data?.value).toBe('49')
    expect(result.event.custom_data?.currency).toBe('EUR')
    expect(result.event.custom_data?.content_ids).toEqual(['plan-pro'])
  })

  it('App Install maps an Android Application Installed as app_android', () => {
    const globals = structuredClone(fixtureEvent('Application Opened'))
    globals.event.event = 'Application Installed'
    globals.event.properties.$os = 'Android'
    const result = mapOne(globals)
    expect(result.mapping).toBe('App Install')
    expect(result.event.event_name).toBe('app_install')
    expect(result.event.action_source).toBe('app_android')
  })

  it('covers every prebuilt mapping of the template', () => {
    const names = loadTemplate().mapping_templates.map((m) => m.name)
    expect(names).toEqual([...DEFAULT_MAPPING_NAMES, 'Report Conversions Event'])
  })

  it('maps nothing for events no mapping takes', () => {
    expect(invokeChecked(fn, webEvent('$autocapture'), { nowMs: NOW_MS })).toEqual([])
  })
})
