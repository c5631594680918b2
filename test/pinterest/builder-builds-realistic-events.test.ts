import { buildChecked } from '../helpers/checked'
import { FIXTURE_NOW_MS, JANE_USER_DATA, loadFixtures, resolvedInputs, sha } from './inputs'

const [pageview, search, productAdded, checkoutStarted, orderCompleted, signedUp, appOpened, personless] = loadFixtures()
const build = (inputs: Record<string, unknown>) => buildChecked(inputs, FIXTURE_NOW_MS)

const EVENT_TIME = Date.parse('2026-11-29T10:15:00.000Z') / 1000
const PAGE_URL = 'https://shop.acme.example/products/lamp?utm_source=pinterest&epik=dj0yJnU9Zm9vYmFy'
const products = orderCompleted.event.properties.products

describe('buildPinterestEvent on the PostHog fixtures', () => {
  it('builds a page visit with every person field hashed by the written rules', () => {
    expect(build(resolvedInputs(pageview, 'page_visit'))).toEqual({
      status: 'event',
      warnings: [],
      event: {
        event_name: 'page_visit',
        action_source: 'web',
        event_time: EVENT_TIME,
        event_id: '01936b60-0001-7000-8000-000000000001',
        event_source_url: PAGE_URL,
        user_data: JANE_USER_DATA,
      },
    })
  })

  it('builds a search with its search string', () => {
    const result = build(resolvedInputs(search, 'search', { search_string: search.event.properties.query }))
    expect(result).toMatchObject({ status: 'event', event: { custom_data: { search_string: 'floor lamp' } } })
  })

  it('builds add to cart from flat product properties', () => {
    const p = productAdded.event.properties
    const inputs = resolvedInputs(productAdded, 'add_to_cart', {
      currency: p.currency,
      value: p.price,
      contents: [{ product_id: p.product_id, sku: p.sku, name: p.name, brand: p.brand, category: p.category, price: p.price, quantity: p.quantity }],
    })
    expect(build(inputs)).toMatchObject({
      status: 'event',
      warnings: [],
      event: {
        event_name: 'add_to_cart',
        custom_data: {
          currency: 'USD',
          value: '149',
          content_ids: ['lamp-01'],
          num_items: 1,
          contents: [{ id: 'lamp-01', item_price: '149', quantity: 1, item_name: 'Arc Floor Lamp', item_category: 'Lighting', item_brand: 'Lumen' }],
        },
      },
    })
  })

  it('builds initiate_checkout and checkout with products as contents', () => {
    const started = build(resolvedInputs(checkoutStarted, 'initiate_checkout', { value: 175, currency: 'USD', contents: products }))
    const completed = build(
      resolvedInputs(orderCompleted, 'checkout', {
        value: orderCompleted.event.properties.total,
        currency: 'USD',
        order_id: orderCompleted.event.properties.order_id,
        contents: products,
      }),
    )
    expect(started).toMatchObject({ status: 'event', event: { custom_data: { value: '175', num_items: 5 } } })
    expect(completed).toEqual({
      status: 'event',
      warnings: [],
      event: {
        event_name: 'checkout',
        action_source: 'web',
        event_time: EVENT_TIME,
        event_id: '01936b60-0005-7000-8000-000000000005',
        event_source_url: PAGE_URL,
        user_data: JANE_USER_DATA,
        custom_data: {
          currency: 'USD',
          value: '189.5',
          order_id: 'A-1001',
          content_ids: ['lamp-01', 'bulb-e27'],
          num_items: 5,
          contents: [
            { id: 'lamp-01', item_price: '149', quantity: 1, item_name: 'Arc Floor Lamp', item_category: 'Lighting', item_brand: 'Lumen' },
            { id: 'bulb-e27', item_price: '6.5', quantity: 4, item_name: 'E27 LED Bulb', item_category: 'Lighting', item_brand: 'Lumen' },
          ],
        },
      },
    })
  })

  it('builds a signup from $set properties', () => {
    const set = signedUp.event.properties.$set
    const inputs = { ...resolvedInputs(signedUp, 'signup'), user_data: { email: set.email, first_name: set.first_name } }
    expect(build(inputs)).toMatchObject({
      status: 'event',
      event: { event_name: 'signup', user_data: { em: [sha('jane.doe@acme-customer.example')], fn: [sha('jane')] } },
    })
  })

  it('builds an iOS app open with app_info and device_info', () => {
    const p = appOpened.event.properties
    const inputs = {
      event_name: 'app_open',
      action_source: 'app_ios',
      event_time: appOpened.event.timestamp,
      event_id: appOpened.event.uuid,
      language: p.$locale,
      wifi: p.$network_wifi,
      user_data: {
        hashed_maids: p.$device_id,
        client_ip_address: p.$ip,
        client_user_agent: p.$raw_user_agent,
        external_id: appOpened.event.distinct_id,
      },
      app_info: { app_name: p.$app_name, app_version: p.$app_version, app_package_name: p.$app_namespace },
      device_info: {
        brand: p.$device_manufacturer,
        model: p.$device_model,
        os_family: p.$os,
        os_version: p.$os_version,
        form_factor: p.$device_type,
        carrier: p.$network_carrier,
        locale: p.$locale,
        timezone: p.$timezone,
        screen_width: p.$screen_width,
        screen_height: p.$screen_height,
        network_type: p.$network_wifi ? 'wifi' : undefined,
      },
    }
    expect(build(inputs)).toEqual({
      status: 'event',
      warnings: [],
      event: {
        event_name: 'app_open',
        action_source: 'app_ios',
        event_time: EVENT_TIME,
        event_id: '01936b60-0007-7000-8000-000000000007',
        language: 'en',
        wifi: true,
        user_data: {
          hashed_maids: [sha('6D92078A-8246-4BA4-AE5B-76104861E7DC')],
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
          network_type: 'wifi',
        },
      },
    })
  })

  it('skips the personless page view that has no identifier', () => {
    const result = build(resolvedInputs(personless, 'page_visit'))
    expect(result).toEqual({
      status: 'skipped',
      reason: 'no identifier: user_data needs em (email), hashed_maids, or both client_ip_address and client_user_agent; found only external_id, click_id',
    })
  })
})
