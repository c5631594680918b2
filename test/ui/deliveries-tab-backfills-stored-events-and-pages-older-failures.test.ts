import { capture, createFunction, firstProject, order, until } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage } from './helpers/page'

jest.setTimeout(60_000)

const EARLY = ['early-1', 'early-2', 'early-3']
const DAY_MS = 86_400_000

let setup: PageSetup
let functionId: string

/** A datetime-local value (the browser's time zone is the machine's: both run here). */
const local = (ms: number) => {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`
}

beforeAll(async () => {
  setup = await startPage('backfill')
  const { server, emulator } = setup.pipeline
  // Captured while the project has no destination: stored, and sent nowhere.
  await capture(
    server,
    firstProject,
    EARLY.map((uuid) => ({ ...order(uuid), timestamp: new Date(Date.now() - 120_000).toISOString() })),
  )
  expect(await until(() => server.store.events.countPending() === 0, 10_000)).toBe(true)
  functionId = await createFunction(server, firstProject, { name: 'Shop created today' })
  expect(emulator.accepted()).toEqual([])
  await signIn(setup.page)
})

afterAll(() => setup?.close())

test('a range longer than 7 days is refused by the server, its error on the field it names', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${functionId}/deliveries`)
  await page.getByText('Backfill stored events').click()
  await page.getByLabel('From', { exact: true }).fill(local(Date.now() - 8 * DAY_MS))
  await page.getByLabel('To', { exact: true }).fill(local(Date.now()))
  await page.getByRole('button', { name: 'Start backfill' }).click()
  const error = page.locator('#backfill-to-error')
  await error.waitFor()
  await expect(error.textContent()).resolves.toBe("The range may span at most 7 days (Pinterest's window).")
  await expect(page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(page.getByLabel('To', { exact: true }).getAttribute('aria-describedby')).resolves.toBe('backfill-to-error')
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('backfill-to')
  expect(await page.getByTestId('job').count()).toBe(0)
  expect(await seriousViolations(page)).toEqual([])
})

test('a backfill of the last day sends the events stored before the destination existed, with their own event_ids', async () => {
  const { page } = setup
  const { emulator } = setup.pipeline
  await page.getByLabel('From', { exact: true }).fill(local(Date.now() - DAY_MS))
  await page.getByLabel('To', { exact: true }).fill(local(Date.now() + 60_000))
  await expect(page.locator('#backfill-to-error').count()).resolves.toBe(0)
  await page.getByRole('button', { name: 'Start backfill' }).click()
  const job = page.getByTestId('job').first()
  await job.getByTestId('job-progress').getByText('3 done · 0 failed · 0 left of 3', { exact: true }).waitFor({ timeout: 20_000 })
  await expect(page.locator('#replay-message').textContent()).resolves.toBe('Backfill started for 3 stored events.')
  await expect(job.locator('h4').textContent()).resolves.toMatch(/^Backfill of \d{4}-\d\d-\d\d \d\d:\d\d UTC – \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
  expect(
    emulator
      .accepted()
      .map((e) => e.event_id)
      .sort(),
  ).toEqual(EARLY)
  expect(setup.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([])
})

test('past 50 failed deliveries the older ones come on "Show older", after the ones shown; Refresh reads a custom range again', async () => {
  const { page } = setup
  const { server, emulator } = setup.pipeline
  // An open custom range: Refresh must read the list again though the range itself did not change.
  await page.getByLabel('Time range').selectOption('custom')
  await page.getByText('No failed deliveries match these filters.').waitFor()
  const many = Array.from({ length: 52 }, (_, i) => `many-${i + 1}`)
  emulator.setFaults({ fail_event_ids: many })
  await capture(
    server,
    firstProject,
    many.map((uuid) => ({ ...order(uuid), timestamp: new Date(Date.now() - 60_000).toISOString() })),
  )
  const listed = async () => {
    const response = await fetch(`${server.url}/api/projects/${firstProject.id}/hog_functions/${functionId}/deliveries/?limit=1`, { headers: { authorization: `Bearer ${firstProject.key}` } })
    return ((await response.json()) as { count: number }).count
  }
  const started = Date.now()
  while ((await listed()) < 52 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 50))
  await page.getByRole('button', { name: 'Refresh' }).click()
  await page.getByTestId('deliveries-count').getByText('50 of 52 shown').waitFor()
  const firstPage = await page.getByTestId('delivery').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-delivery-id')))
  await page.getByRole('button', { name: 'Show older' }).click()
  await page.getByTestId('deliveries-count').getByText('52 of 52 shown').waitFor()
  const all = await page.getByTestId('delivery').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-delivery-id')))
  expect(all.slice(0, 50)).toEqual(firstPage)
  expect(new Set(all).size).toBe(52)
  expect(all.map(Number)).toEqual([...all.map(Number)].sort((a, b) => b - a))
  expect(await page.getByRole('button', { name: 'Show older' }).count()).toBe(0)
})

test('a job started elsewhere (the API, the CLI) shows in the panel on Refresh, with its failures by reason', async () => {
  const { page } = setup
  const { server } = setup.pipeline
  const first = await page.getByTestId('delivery').first().getAttribute('data-delivery-id')
  const response = await fetch(`${server.url}/api/projects/${firstProject.id}/hog_functions/${functionId}/replays/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ delivery_ids: [Number(first)] }),
  })
  expect(response.status).toBe(201)
  const { id } = (await response.json()) as { id: string }
  expect(await page.getByTestId('job').count()).toBe(1)
  await page.getByRole('button', { name: 'Refresh' }).click()
  const job = page.locator(`[data-job-id="${id}"]`)
  await job.locator('h4').getByText('Replay', { exact: true }).waitFor()
  expect(await page.getByTestId('job').count()).toBe(2)
  // Pinterest still rejects these events: the replayed delivery fails again, and the job counts why.
  await job.getByTestId('job-progress').getByText('0 done · 1 failed · 0 left of 1', { exact: true }).waitFor({ timeout: 20_000 })
  await expect(job.locator('.job-failures li').allTextContents()).resolves.toEqual(['Pinterest rejected the event: 1'])
  await expect(job.locator('.badge').textContent()).resolves.toBe('Completed')
})
