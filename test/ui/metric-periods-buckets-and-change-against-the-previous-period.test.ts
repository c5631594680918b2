import { bucketTotals, groupTotals } from '../../src/ui/metrics'
import { bucketStarts, changeAgainst, defaultInterval, intervalsOf, logRange, periodWindows } from '../../src/ui/periods'

const NOW = Date.parse('2026-12-08T12:30:00.000Z')
const iso = (ms: number) => new Date(ms).toISOString()

test('a period ends with the current hour and the previous one ends where it starts', () => {
  const { current, previous } = periodWindows('7d', NOW)
  expect([iso(current.startMs), iso(current.endMs)]).toEqual(['2026-12-01T13:00:00.000Z', '2026-12-08T13:00:00.000Z'])
  expect([iso(previous.startMs), iso(previous.endMs)]).toEqual(['2026-11-24T13:00:00.000Z', '2026-12-01T13:00:00.000Z'])
  expect(iso(periodWindows('24h', NOW).current.startMs)).toBe('2026-12-07T13:00:00.000Z')
})

test('hours up to 48 hours, days beyond; hours can be chosen up to 8 days, days beyond 2', () => {
  expect([defaultInterval('24h'), defaultInterval('7d'), defaultInterval('30d')]).toEqual(['hour', 'day', 'day'])
  expect([intervalsOf('24h'), intervalsOf('7d'), intervalsOf('30d')]).toEqual([['hour'], ['hour', 'day'], ['day']])
})

test('buckets cover the window oldest first: 24 hours, 7 days', () => {
  const day = periodWindows('24h', NOW).current
  const hours = bucketStarts(day, 'hour')
  expect(hours).toHaveLength(24)
  expect([iso(hours[0]), iso(hours[23])]).toEqual(['2026-12-07T13:00:00.000Z', '2026-12-08T12:00:00.000Z'])
  const days = bucketStarts(periodWindows('7d', NOW).current, 'day')
  expect(days.map(iso)).toEqual([
    '2026-12-01T13:00:00.000Z',
    '2026-12-02T13:00:00.000Z',
    '2026-12-03T13:00:00.000Z',
    '2026-12-04T13:00:00.000Z',
    '2026-12-05T13:00:00.000Z',
    '2026-12-06T13:00:00.000Z',
    '2026-12-07T13:00:00.000Z',
  ])
})

test('a window that is not a whole number of buckets has a short first bucket', () => {
  const starts = bucketStarts({ startMs: Date.parse('2026-12-01T00:00:00.000Z'), endMs: Date.parse('2026-12-02T12:00:00.000Z') }, 'day')
  expect(starts.map(iso)).toEqual(['2026-12-01T00:00:00.000Z', '2026-12-01T12:00:00.000Z'])
})

test('hourly metrics are summed into their buckets; empty buckets are 0 and hours outside are left out', () => {
  const metrics = {
    labels: ['2026-11-30T10:00:00.000Z', '2026-12-01T13:00:00.000Z', '2026-12-02T12:00:00.000Z', '2026-12-08T12:00:00.000Z', '2026-12-08T13:00:00.000Z'],
    series: [
      { name: 'succeeded', values: [100, 3, 4, 5, 50] },
      { name: 'failed', values: [0, 1, 0, 0, 0] },
      { name: 'gave_up', values: [0, 0, 2, 0, 0] },
    ],
  }
  const starts = bucketStarts(periodWindows('7d', NOW).current, 'day')
  expect(bucketTotals(metrics, ['succeeded'], starts, periodWindows('7d', NOW).current.endMs)).toEqual([7, 0, 0, 0, 0, 0, 5])
  expect(bucketTotals(metrics, ['failed', 'gave_up'], starts, periodWindows('7d', NOW).current.endMs)).toEqual([3, 0, 0, 0, 0, 0, 0])
})

test('the tab figures add up the server metrics: failed counts given-up events too', () => {
  expect(groupTotals({ succeeded: 9, failed: 2, gave_up: 1, skipped: 4, filtered: 7, fetch: 3 })).toEqual({ delivered: 9, failed: 3, skipped: 4, filtered: 7 })
  expect(groupTotals({})).toEqual({ delivered: 0, failed: 0, skipped: 0, filtered: 0 })
})

test('the change against the previous period is a rounded percentage, and from 0 it says so', () => {
  expect(changeAgainst(112, 100, '7 days')).toEqual({ text: '+12% vs previous 7 days', direction: 'up' })
  expect(changeAgainst(1, 4, '24 hours')).toEqual({ text: '−75% vs previous 24 hours', direction: 'down' })
  expect(changeAgainst(5, 0, '7 days')).toEqual({ text: 'Up from 0 vs previous 7 days', direction: 'up' })
  expect(changeAgainst(0, 0, '30 days')).toEqual({ text: 'No change vs previous 30 days', direction: 'same' })
  expect(changeAgainst(1001, 1000, '7 days')).toEqual({ text: '+<1% vs previous 7 days', direction: 'up' })
  expect(changeAgainst(0, 3, '7 days')).toEqual({ text: '−100% vs previous 7 days', direction: 'down' })
})

test('a log range preset ends now; a custom range names its problem', () => {
  expect(logRange('1h', { from: '', to: '' }, NOW)).toEqual({ after: '2026-12-08T11:30:00.000Z' })
  expect(logRange('7d', { from: '', to: '' }, NOW)).toEqual({ after: '2026-12-01T12:30:00.000Z' })
  expect(logRange('custom', { from: '2026-12-01T10:00:00Z', to: '' }, NOW)).toEqual({ after: '2026-12-01T10:00:00.000Z', before: undefined })
  expect(logRange('custom', { from: '2026-12-02T10:00:00Z', to: '2026-12-01T10:00:00Z' }, NOW)).toEqual({ error: 'From must be before To.' })
  expect(logRange('custom', { from: 'soon', to: '' }, NOW)).toEqual({ error: 'From is not a date and time.' })
})
