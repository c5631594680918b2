import { Client } from 'pg'
import { type ClusterProcess, startServe, stopAll } from '../helpers/cluster-processes'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { TEST_SECRET_KEY } from '../helpers/stores'
import { transpileCli } from '../helpers/transpiled-cli'

jest.setTimeout(120_000)

const KEY = 'phx_two_starts_key_0123456789'
const PROJECT_TOKEN = 'phc_two_starts_project'
const ENV = { PIPELINES_SECRET_KEY: TEST_SECRET_KEY, PIPELINES_API_KEY: KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }

let databaseUrl: string
const processes: ClusterProcess[] = []
const cli = transpileCli()

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase()
})

afterAll(async () => {
  await stopAll(processes)
  cli.remove()
  if (databaseUrl) await dropPostgresDatabase(databaseUrl)
})

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

describe('two serve processes started at the same moment on an empty Postgres database', () => {
  it('both come up on one schema with one project and one key, and see each other’s writes', async () => {
    const started = await Promise.allSettled([startServe(cli.main, 'first', ['--db', databaseUrl], ENV), startServe(cli.main, 'second', ['--db', databaseUrl], ENV)])
    for (const result of started) if (result.status === 'fulfilled') processes.push(result.value)
    expect(started.map((result) => (result.status === 'rejected' ? String(result.reason) : 'up'))).toEqual(['up', 'up'])
    const [first, second] = processes

    expect(await rows('SELECT id::int, api_token FROM projects')).toEqual([{ id: 1, api_token: PROJECT_TOKEN }])
    expect(await rows('SELECT project_id::int, label FROM api_keys')).toEqual([{ project_id: 1, label: 'environment' }])

    const created = await fetch(`${first.url}/api/projects/1/hog_functions/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'destination',
        template_id: 'segment-actions-pinterest-conversions-api',
        inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_two_starts' } },
      }),
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const seen = await fetch(`${second.url}/api/projects/1/hog_functions/${id}/`, { headers: { authorization: `Bearer ${KEY}` } })
    expect(seen.status).toBe(200)
    expect(((await seen.json()) as { id: string }).id).toBe(id)
  })
})
