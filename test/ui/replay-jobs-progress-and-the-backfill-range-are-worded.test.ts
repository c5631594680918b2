import { backfillBody, backfillFieldOf, finishedJobs, type Job, localMinute, payloadText, progressOf, progressText, startedText, withJob } from '../../src/ui/deliveries'

const job = (id: string, patch: Partial<Job> = {}): Job => ({
  id,
  kind: 'replay',
  status: 'running',
  created_at: '2026-12-01T10:00:00.000Z',
  finished_at: null,
  created_by: { key_id: 'k1', label: 'ci key' },
  total: 100,
  done: 80,
  failed: 5,
  left: 15,
  failures: [],
  range: null,
  ...patch,
})

test('progress reads done, failed and left of the total, and its bar counts finished items either way', () => {
  expect(progressText(job('a'))).toBe('80 done · 5 failed · 15 left of 100')
  expect(progressText(job('a', { total: 2000, done: 2000, failed: 0, left: 0 }))).toBe('2,000 done · 0 failed · 0 left of 2,000')
  expect(progressOf(job('a'))).toEqual({ value: 85, max: 100 })
  expect(progressOf(job('a', { total: 0, done: 0, failed: 0, left: 0 }))).toEqual({ value: 1, max: 1 })
})

test('a started job is announced with what it takes', () => {
  expect(startedText(job('a', { total: 3 }))).toBe('Replay started for 3 deliveries.')
  expect(startedText(job('a', { total: 1 }))).toBe('Replay started for 1 delivery.')
  expect(startedText(job('b', { kind: 'backfill', total: 1200 }))).toBe('Backfill started for 1,200 stored events.')
  expect(startedText(job('b', { kind: 'backfill', total: 1 }))).toBe('Backfill started for 1 stored event.')
})

test('a job polled again or just started takes its place, newest first', () => {
  const older = job('old', { created_at: '2026-12-01T09:00:00.000Z' })
  const jobs = withJob([older], job('new'))
  expect(jobs.map((j) => j.id)).toEqual(['new', 'old'])
  expect(withJob(jobs, job('old', { created_at: older.created_at, done: 100, left: 0 })).map((j) => [j.id, j.done])).toEqual([
    ['new', 80],
    ['old', 100],
  ])
})

test('a job that ran and now has ended is noticed once; one still running or never seen running is not', () => {
  const before = [job('a'), job('b'), job('c', { status: 'completed' })]
  const after = [job('a', { status: 'completed' }), job('b'), job('c', { status: 'completed' }), job('d', { status: 'cancelled' })]
  expect(finishedJobs(before, after)).toEqual(['a'])
  expect(finishedJobs(after, after)).toEqual([])
})

test("the backfill's range is sent as ISO instants, and what is missing or unreadable names its field", () => {
  const from = localMinute(Date.parse('2026-11-28T08:30:00.000Z'))
  const to = localMinute(Date.parse('2026-11-29T08:30:00.000Z'))
  expect(backfillBody(from, to)).toEqual({ after: '2026-11-28T08:30:00.000Z', before: '2026-11-29T08:30:00.000Z' })
  expect(backfillBody('', to)).toEqual({ field: 'after', error: 'Enter the start of the range.' })
  expect(backfillBody(from, '')).toEqual({ field: 'before', error: 'Enter the end of the range.' })
  expect(backfillBody('yesterday', to)).toEqual({ field: 'after', error: 'From is not a date and time.' })
})

test("the server's after/before problems land on From and To, any other on the form", () => {
  expect(backfillFieldOf('after')).toBe('after')
  expect(backfillFieldOf('before')).toBe('before')
  expect(backfillFieldOf('range')).toBeNull()
  expect(backfillFieldOf(null)).toBeNull()
})

test('a datetime-local value is minutes in the local time zone', () => {
  const ms = new Date(2026, 10, 3, 7, 5, 59).getTime()
  expect(localMinute(ms)).toBe('2026-11-03T07:05')
})

test('the Pinterest payload shows as indented JSON text', () => {
  expect(payloadText({ event_name: 'checkout', user_data: { em: ['ab'] } })).toBe('{\n  "event_name": "checkout",\n  "user_data": {\n    "em": [\n      "ab"\n    ]\n  }\n}')
  expect(payloadText(undefined)).toBe('null')
})
