import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/server'
import type { CapturedEvent } from '../../src/store/types'
import { serverDatabase, serverEnv } from './server-store'

export const TOKEN = 'pina_pipeline_conversion_token'
export const ACCOUNT = '549755885175'
const API_KEY = 'phx_pipeline_key_0123456789'
export const PROJECT_TOKEN = 'phc_pipeline_project'

export interface Setup {
  dir: string
  emulator: RunningEmulator
  server: RunningServer
  close(): Promise<void>
}

/** An emulator and an in-process server (project 1, key and capture token from the environment), on SQLite or (TEST_STORE=postgres) Postgres. */
export async function startPipeline(prefix: string, options: Partial<ServerOptions> = {}): Promise<Setup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  const server = await startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dir, 'db.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    ...options,
    env: serverEnv(options.env ?? { PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
  })
  return {
    dir,
    emulator,
    server,
    close: async () => {
      await server.close()
      await emulator.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface TestProject {
  id: number
  token: string
  key: string
}

export const firstProject: TestProject = { id: 1, token: PROJECT_TOKEN, key: API_KEY }

/** Another project, with its own capture token and API key. */
export function addProject(server: RunningServer, name: string): TestProject {
  const token = `phc_${name}_project_token`
  const project = server.store.projects.create(name, token)
  const { key } = server.store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'test')
  return { id: project.id, token, key }
}

/** A Pinterest function for the project; returns its id. */
export async function createFunction(server: Pick<RunningServer, 'url'>, project: TestProject, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${server.url}/api/projects/${project.id}/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${project.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'destination',
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
      ...extra,
    }),
  })
  const body = (await response.json()) as { id: string }
  if (response.status !== 201) throw new Error(`could not create the function: ${response.status} ${JSON.stringify(body)}`)
  return body.id
}

export async function setEnabled(server: RunningServer, project: TestProject, functionId: string, enabled: boolean): Promise<void> {
  const response = await fetch(`${server.url}/api/projects/${project.id}/hog_functions/${functionId}/`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${project.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ enabled }),
  })
  if (response.status !== 200) throw new Error(`could not change the function: ${response.status}`)
}

export function order(uuid: string, distinctId = `person-${uuid}`, properties: Record<string, unknown> = {}) {
  return { event: 'Order Completed', distinct_id: distinctId, uuid, properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5, ...properties } }
}

/** The same order as capture stores it (timestamped now), for runners fed through the store directly. */
export function storedOrder(uuid: string): CapturedEvent {
  return { ...order(uuid), timestamp: new Date().toISOString() }
}

export async function capture(server: RunningServer, project: TestProject, batch: unknown[]): Promise<void> {
  const response = await fetch(`${server.url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: project.token, batch }),
  })
  if (response.status !== 200) throw new Error(`capture answered ${response.status}`)
}

/** Waits until `check` holds, at most `timeoutMs`; returns whether it held. */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}
