import { capture, createFunction, firstProject, order, type Setup, startPipeline, TOKEN, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
afterEach(() => setup.close())

async function rest(method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) {
  const response = await fetch(`${setup.server.url}/api/projects/1/hog_functions/${url}`, {
    method,
    headers: { authorization: `Bearer ${firstProject.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as { name?: string; results?: { id: string; version: number }[] } }
}

describe('revert in a running server', () => {
  it('puts the first token back: the next event reaches Pinterest with it', async () => {
    setup = await startPipeline('history-revert-')
    const id = await createFunction(setup.server, firstProject, { name: 'Shop' })
    const wrong = await rest('PATCH', `${id}/`, { name: 'Shop (broken)', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_wrong_token' } } })
    expect(wrong.status).toBe(200)
    const history = await rest('GET', `${id}/activity/`)
    const first = history.body.results?.find((v) => v.version === 1)
    const reverted = await rest('POST', `${id}/activity/${first?.id}/revert/`)
    expect([reverted.status, reverted.body.name]).toEqual([200, 'Shop'])
    // Saved changes reach the pipeline thread within half a second; no event is captured before.
    await new Promise((resolve) => setTimeout(resolve, 700))
    await capture(setup.server, firstProject, [order('e-after-revert')])
    // The emulator accepts only TOKEN: the event arrives only if the revert restored it.
    expect(await until(() => setup.emulator.accepted().length === 1, 20_000)).toBe(true)
    expect(setup.emulator.accepted().map((e) => e.event_id)).toEqual(['e-after-revert'])
    expect(setup.server.store.functions.get(1, id)?.secrets).toEqual({ conversion_token: TOKEN })
  })
})
