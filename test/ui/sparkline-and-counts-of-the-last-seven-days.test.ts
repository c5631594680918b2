import { countsOf, dailyTotals, sparklinePath, sum } from '../../src/ui/metrics'

const NOW = Date.parse('2026-12-08T12:30:00.000Z')
const metrics = {
  labels: ['2026-11-30T10:00:00.000Z', '2026-12-01T13:00:00.000Z', '2026-12-01T14:00:00.000Z', '2026-12-08T12:00:00.000Z'],
  series: [
    { name: 'succeeded', values: [100, 3, 4, 5] },
    { name: 'failed', values: [0, 1, 0, 0] },
    { name: 'gave_up', values: [0, 0, 0, 2] },
    { name: 'skipped', values: [9, 9, 9, 9] },
  ],
}

test('hours are summed into seven days ending now, oldest first; older hours are left out', () => {
  expect(dailyTotals(metrics, ['succeeded'], NOW)).toEqual([7, 0, 0, 0, 0, 0, 5])
})

test('delivered counts succeeded events, failed counts failed and given-up ones', () => {
  const counts = countsOf(metrics, NOW)
  expect(counts).toEqual({ delivered: [7, 0, 0, 0, 0, 0, 5], failed: [1, 0, 0, 0, 0, 0, 2] })
  expect(sum(counts.delivered)).toBe(12)
})

test('the sparkline puts the largest value at the top and zero at the bottom', () => {
  expect(sparklinePath([0, 5, 10], 60, 20)).toBe('M0,19L30,10L60,1')
})

test('a line of zeros lies on the bottom, a single value spans the width, no values draw nothing', () => {
  expect(sparklinePath([0, 0], 10, 20)).toBe('M0,19L10,19')
  expect(sparklinePath([4], 10, 20)).toBe('M0,1L10,1')
  expect(sparklinePath([], 10, 20)).toBe('')
})
