import { ApiError } from '../../src/ui/api'
import {
  appendRows,
  confirmAllText,
  confirmSelectedText,
  type Delivery,
  deliveriesQuery,
  deliveryFilter,
  pageSelection,
  reasonLabel,
  replayAllLabel,
  replaySelectedLabel,
  selectPage,
  startProblem,
} from '../../src/ui/deliveries'

const row = (id: number, replayable = true): Delivery => ({
  id,
  status: 'failed',
  reason: 'rejected',
  last_error: 'Pinterest rejected the event',
  attempts: 1,
  mapping: 'Checkout',
  event_id: `e-${id}`,
  event_name: 'checkout',
  event_uuid: `u-${id}`,
  distinct_id: null,
  first_seen_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
  event: null,
  payload: {},
  replayable,
  not_replayable_reason: replayable ? null : "outside Pinterest's 7-day window",
  replay_job_id: null,
})

test('the filter holds only what narrows the list: both statuses and empty choices are left out', () => {
  expect(deliveryFilter({ status: 'both', mapping: '', reason: '' })).toEqual({})
  expect(deliveryFilter({ status: 'gave_up', mapping: 'Checkout', reason: 'rejected', after: '2026-12-01T00:00:00.000Z' })).toEqual({
    status: 'gave_up',
    mapping: 'Checkout',
    reason: 'rejected',
    after: '2026-12-01T00:00:00.000Z',
  })
  expect(deliveryFilter({ status: 'failed', mapping: '', reason: '', before: '2026-12-02T00:00:00.000Z' })).toEqual({ status: 'failed', before: '2026-12-02T00:00:00.000Z' })
})

test("the list's query carries the filter, encoded, with the page's limit and offset", () => {
  expect(deliveriesQuery({}, 50, 0)).toBe('limit=50&offset=0')
  expect(deliveriesQuery({ mapping: 'Add to cart & more', reason: 'gave_up', after: '2026-12-01T00:00:00.000Z' }, 50, 100)).toBe(
    'mapping=Add+to+cart+%26+more&reason=gave_up&after=2026-12-01T00%3A00%3A00.000Z&limit=50&offset=100',
  )
})

test("a row's reason is labelled from the answer's reasons, and an unlisted one shows its code", () => {
  const reasons = [{ reason: 'rejected', label: 'Pinterest rejected the event', count: 3 }]
  expect(reasonLabel('rejected', reasons)).toBe('Pinterest rejected the event')
  expect(reasonLabel('other', reasons)).toBe('other')
})

test('an older page adds only the rows not yet shown, in its order', () => {
  expect(appendRows([row(5), row(4)], [row(4), row(3), row(2)]).map((r) => r.id)).toEqual([5, 4, 3, 2])
})

test('"select all on this page" ticks and clears only its replayable rows, and says whether all, some or none are', () => {
  const page = [row(1), row(2, false), row(3)]
  const all = selectPage(new Set([9]), page, true)
  expect([...all].sort()).toEqual([1, 3, 9])
  expect(pageSelection(all, page)).toBe('all')
  expect(pageSelection(new Set([3]), page)).toBe('some')
  expect(pageSelection(new Set([2, 9]), page)).toBe('none')
  expect([...selectPage(all, page, false)]).toEqual([9])
  expect(pageSelection(new Set(), [row(2, false)])).toBe('none')
})

test('the replay buttons and their confirms count the deliveries', () => {
  expect(replaySelectedLabel(0)).toBe('Replay selected (0)')
  expect(replaySelectedLabel(1234)).toBe('Replay selected (1,234)')
  expect(replayAllLabel(12)).toBe('Replay all 12 matching')
  expect(confirmSelectedText(1)).toBe("Replay 1 delivery? Each is mapped again with this destination's current configuration and sent to Pinterest with its own event_id.")
  expect(confirmAllText(2000)).toBe(
    "Replay all 2,000 deliveries that match the filters? Each is mapped again with this destination's current configuration and sent to Pinterest with its own event_id.",
  )
})

test('a refused start says why; a conflict also says what to do about it', () => {
  const conflict = new ApiError(409, 'validation_error', 'conflict', 'delivery_ids', [], '3 of these deliveries are already being replayed by job j-1')
  expect(startProblem(conflict)).toBe('3 of these deliveries are already being replayed by job j-1. Wait for that job to finish, or cancel it.')
  const empty = new ApiError(400, 'validation_error', 'invalid_input', 'filter', [], 'The filter matches no failed delivery.')
  expect(startProblem(empty)).toBe('The filter matches no failed delivery.')
})
