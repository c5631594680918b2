import { DEFAULT_PACE_WINDOW_MS, PINTEREST_REQUESTS_PER_MINUTE, RequestPacer } from '../../src/delivery/pacer'

function clock(start = 1_000_000) {
  const state = { now: start }
  return { state, now: () => state.now }
}

/** How many of `count` requests the pacer lets through at the clock's current time. */
function takeMany(pacer: RequestPacer, key: string, count: number): number {
  let taken = 0
  for (let i = 0; i < count; i++) if (pacer.tryTake(key)) taken += 1
  return taken
}

describe('the request pacer', () => {
  it("defaults to Pinterest's 5,000 requests per ad account, counted over a minute and a second", () => {
    const { state, now } = clock()
    const pacer = new RequestPacer({}, now)
    expect(PINTEREST_REQUESTS_PER_MINUTE).toBe(5_000)
    expect(DEFAULT_PACE_WINDOW_MS).toBe(61_000)
    expect(takeMany(pacer, 'a', 6_000)).toBe(5_000)
    state.now += 60_999
    expect(pacer.tryTake('a')).toBe(false)
    state.now += 1
    expect(takeMany(pacer, 'a', 6_000)).toBe(5_000)
  })

  it('lets the budget through at once, then one request per request that leaves the window', () => {
    const { state, now } = clock()
    const pacer = new RequestPacer({ requestsPerMinute: 3, paceWindowMs: 1_000 }, now)
    expect(takeMany(pacer, 'a', 5)).toBe(3)
    expect(pacer.freeAt('a')).toBe(state.now + 1_000)
    state.now += 400
    expect(pacer.tryTake('a')).toBe(false)
    state.now += 600
    // The three of the first instant leave together.
    expect(takeMany(pacer, 'a', 5)).toBe(3)
    state.now += 999
    expect(pacer.freeAt('a')).toBe(state.now + 1)
    expect(pacer.tryTake('a')).toBe(false)
  })

  it('tells when the window has room for several requests, at most the budget', () => {
    const { state, now } = clock(0)
    const pacer = new RequestPacer({ requestsPerMinute: 3, paceWindowMs: 1_000 }, now)
    for (const at of [0, 100, 200]) {
      state.now = at
      expect(pacer.tryTake('a')).toBe(true)
    }
    state.now = 300
    expect([1, 2, 3, 11].map((room) => pacer.freeAt('a', room))).toEqual([1_000, 1_100, 1_200, 1_200])
    state.now = 1_050
    // The first left: room for one now, for two when the second leaves.
    expect([1, 2, 3].map((room) => pacer.freeAt('a', room))).toEqual([1_050, 1_100, 1_200])
    expect(pacer.freeAt('b', 3)).toBe(1_050)
  })

  it('never lets more than the budget into any window, for requests spread over time', () => {
    const { state, now } = clock(0)
    const pacer = new RequestPacer({ requestsPerMinute: 5, paceWindowMs: 100 }, now)
    const sent: number[] = []
    for (let t = 0; t < 1_000; t += 7) {
      state.now = t
      if (pacer.tryTake('a')) sent.push(t)
    }
    for (const start of sent) expect(sent.filter((t) => t >= start && t < start + 100).length).toBeLessThanOrEqual(5)
    // And it uses the budget: 5 in each of the ten windows of the second.
    expect(sent).toHaveLength(50)
  })

  it('keeps one budget per key: a busy ad account does not hold up another', () => {
    const { now } = clock()
    const pacer = new RequestPacer({ requestsPerMinute: 2, paceWindowMs: 1_000 }, now)
    expect(takeMany(pacer, 'busy', 10)).toBe(2)
    expect(takeMany(pacer, 'quiet', 2)).toBe(2)
    expect(pacer.freeAt('other')).toBe(now())
  })

  it('waits in take() by sleeping until the next slot, once per slot', async () => {
    const { state, now } = clock()
    const pacer = new RequestPacer({ requestsPerMinute: 2, paceWindowMs: 1_000 }, now)
    const sleeps: number[] = []
    const sleep = async (ms: number) => {
      sleeps.push(ms)
      state.now += ms
    }
    for (let i = 0; i < 5; i++) expect(await pacer.take('a', undefined, sleep)).toBe(true)
    expect(sleeps).toEqual([1_000, 1_000])
  })

  it('stops waiting in take() when its signal aborts: false, nothing counted, the sleep ended', async () => {
    const { now } = clock()
    const pacer = new RequestPacer({ requestsPerMinute: 1, paceWindowMs: 60_000 }, now)
    expect(await pacer.take('a')).toBe(true)
    const stop = new AbortController()
    // The default sleep, a minute long: only the abort can end it.
    const waiting = pacer.take('a', stop.signal)
    stop.abort()
    expect(await waiting).toBe(false)
    expect(pacer.freeAt('a')).toBe(now() + 60_000)
    expect(await pacer.take('b', stop.signal)).toBe(false)
    expect(pacer.freeAt('b')).toBe(now())
  })

  it('waits at most a window when the clock goes back', () => {
    const { state, now } = clock(10_000_000)
    const pacer = new RequestPacer({ requestsPerMinute: 1, paceWindowMs: 1_000 }, now)
    expect(pacer.tryTake('a')).toBe(true)
    state.now -= 3_600_000
    expect(pacer.freeAt('a')).toBe(state.now + 1_000)
    state.now += 999
    expect(pacer.tryTake('a')).toBe(false)
    state.now += 1
    expect(pacer.tryTake('a')).toBe(true)
  })

  it('lets every request through with no limit (Infinity), for a stand-in of Pinterest', () => {
    const pacer = new RequestPacer({ requestsPerMinute: Number.POSITIVE_INFINITY }, clock().now)
    expect(takeMany(pacer, 'a', 100_000)).toBe(100_000)
  })

  it('forgets the requests that left the window, keeping a budget of thousands exact over many windows', () => {
    const { state, now } = clock(0)
    const pacer = new RequestPacer({ requestsPerMinute: 5_000, paceWindowMs: 60_000 }, now)
    const perWindow: number[] = []
    for (let window = 0; window < 6; window++) {
      let taken = 0
      for (let ms = 0; ms < 60_000; ms += 6) {
        state.now = window * 60_000 + ms
        if (pacer.tryTake('a')) taken += 1
      }
      perWindow.push(taken)
    }
    expect(perWindow).toEqual([5_000, 5_000, 5_000, 5_000, 5_000, 5_000])
  })

  it('refuses a budget that is not a positive whole number, naming it', () => {
    expect(() => new RequestPacer({ requestsPerMinute: 0 })).toThrow('requestsPerMinute must be a positive whole number')
    expect(() => new RequestPacer({ paceWindowMs: 1.5 })).toThrow('paceWindowMs must be a positive whole number')
  })
})
