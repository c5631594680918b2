import { groupLines, type LogLine, mergeLines, olderPageLimit, shiftIso, unseenLines } from '../../src/ui/log-groups'

const line = (timestamp: string, level: LogLine['level'], message: string, instance_id: string | null = null): LogLine => ({ timestamp, level, message, instance_id })

const a1 = line('2026-12-01T10:00:00.000Z', 'debug', 'event a (Checkout) request sent', 'a')
const a2 = line('2026-12-01T10:00:01.000Z', 'error', 'event a (Checkout) failed: 400', 'a')
const a3 = line('2026-12-01T10:00:02.000Z', 'debug', 'event a (Checkout) note', 'a')
const b1 = line('2026-12-01T10:00:03.000Z', 'info', 'Search skipped for event b: no search_string', 'b')
const free = line('2026-12-01T10:00:04.000Z', 'warn', 'Pinterest is unavailable')

test('lines of one event form one group with the most severe level and message, groups newest first', () => {
  const groups = groupLines([free, b1, a3, a2, a1])
  expect(groups.map((g) => [g.instanceId, g.timestamp, g.level, g.summary, g.lines.length])).toEqual([
    [null, '2026-12-01T10:00:04.000Z', 'warn', 'Pinterest is unavailable', 1],
    ['b', '2026-12-01T10:00:03.000Z', 'info', 'Search skipped for event b: no search_string', 1],
    ['a', '2026-12-01T10:00:02.000Z', 'error', 'event a (Checkout) failed: 400', 3],
  ])
  expect(groups[2].lines).toEqual([a3, a2, a1])
})

test('without grouping, every line is its own entry, newest first', () => {
  const groups = groupLines([a1, b1, a2], false)
  expect(groups.map((g) => [g.instanceId, g.summary, g.lines.length])).toEqual([
    ['b', 'Search skipped for event b: no search_string', 1],
    ['a', 'event a (Checkout) failed: 400', 1],
    ['a', 'event a (Checkout) request sent', 1],
  ])
  expect(new Set(groups.map((g) => g.key)).size).toBe(3)
})

test('lines about no event stay one group each, with keys that differ', () => {
  const other = line('2026-12-01T10:00:04.000Z', 'info', 'Pinterest answers again')
  const groups = groupLines([free, other])
  expect(groups).toHaveLength(2)
  expect(groups[0].key).not.toBe(groups[1].key)
})

test('an event split across two pages is one group once both are merged', () => {
  const merged = mergeLines([b1, a3], [a3, a2, a1])
  expect(merged).toEqual([b1, a3, a2, a1])
  expect(groupLines(merged).map((g) => g.lines.length)).toEqual([1, 3])
})

test('merging a page of lines already held returns the same list; newer lines go first', () => {
  const known = [a2, a1]
  expect(mergeLines(known, [a2])).toBe(known)
  expect(mergeLines(known, [b1])).toEqual([b1, a2, a1])
})

test('unseen lines are those of a page that the list does not hold', () => {
  expect(unseenLines([a3, a2], [b1, a3])).toEqual([b1])
})

test('page bounds move by a millisecond', () => {
  expect(shiftIso('2026-12-01T10:00:00.000Z', -1)).toBe('2026-12-01T09:59:59.999Z')
  expect(shiftIso('2026-12-01T10:00:00.000Z', 1)).toBe('2026-12-01T10:00:00.001Z')
})

test('the page below the oldest line grows by the lines held at its time, up to the server maximum', () => {
  const sameTime = Array.from({ length: 150 }, (_, i) => line('2026-12-01T10:00:00.000Z', 'debug', `event e${i} delivered`, `e${i}`))
  expect(olderPageLimit([b1, a3], 100, 500)).toBe(101)
  expect(olderPageLimit([b1, ...sameTime], 100, 500)).toBe(250)
  expect(olderPageLimit([...sameTime, ...sameTime, ...sameTime], 100, 500)).toBe(500)
  expect(olderPageLimit([], 100, 500)).toBe(100)
})
