import { onlyEventNames } from '../../src/mapping/filters'

describe('onlyEventNames: the names outside of which a mapping cannot match', () => {
  it('lists the names of events entries', () => {
    const names = onlyEventNames({
      events: [
        { id: 'Order Completed', type: 'events' },
        { id: 'Checkout', properties: [{ key: 'x', value: 'y', operator: 'exact', type: 'event' }] },
      ],
    })
    expect(names && [...names]).toEqual(['Order Completed', 'Checkout'])
  })

  it('is null when the filters may match any name', () => {
    expect(onlyEventNames(undefined)).toBeNull()
    expect(onlyEventNames(null)).toBeNull()
    expect(onlyEventNames({})).toBeNull()
    expect(onlyEventNames({ events: [] })).toBeNull()
    expect(onlyEventNames({ events: [{ id: 'Order Completed' }, { id: null }] })).toBeNull()
  })

  it('is null when top-level property filters run before the names are compared', () => {
    expect(onlyEventNames({ events: [{ id: 'Order Completed' }], properties: [{ key: 'url', value: '^https', operator: 'regex', type: 'event' }] })).toBeNull()
  })
})
