import path from 'node:path'
import { addProject, capture, createFunction, firstProject, order, type Setup, startPipeline, type TestProject, until } from '../helpers/pipeline-server'
import { selectRows } from '../helpers/server-store'

jest.setTimeout(30_000)

let setup: Setup
let second: TestProject

beforeAll(async () => {
  setup = await startPipeline('pipelines-anonymize-isolation-')
  second = addProject(setup.server, 'second')
  await createFunction(setup.server, firstProject)
  await createFunction(setup.server, second)
  const response = await fetch(`${setup.server.url}/api/projects/${firstProject.id}/`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ anonymize_ips: true }),
  })
  expect(response.status).toBe(200)
})

afterAll(() => setup.close())

/** Each stored event by uuid: the project it was stored for and its properties. */
function storedEvents(): Map<string, { project: number; properties: Record<string, unknown> }> {
  const rows = selectRows<{ project_id: number; payload: string }>(path.join(setup.dir, 'db.sqlite'), 'SELECT project_id, payload FROM events')
  return new Map(
    rows.map((row) => {
      const event = JSON.parse(row.payload) as { uuid: string; properties: Record<string, unknown> }
      return [event.uuid, { project: row.project_id, properties: event.properties }]
    }),
  )
}

function deliveredUserData(uuid: string): Record<string, unknown> {
  const accepted = setup.emulator.accepted().find((e) => e.event_id === uuid)
  if (!accepted) throw new Error(`event ${uuid} was not delivered`)
  return (accepted.event as { user_data: Record<string, unknown> }).user_data
}

describe("one project's anonymize_ips", () => {
  const sent = { first: ['first-own-ip', 'first-socket-ip'], second: ['second-own-ip', 'second-socket-ip'] }

  beforeAll(async () => {
    // Both projects at once, so that their events may share one group commit; an email lets Pinterest take an event without an address.
    const batch = (prefix: 'first' | 'second') => [
      order(`${prefix}-own-ip`, `${prefix}-1`, { email: `${prefix}@example.com` }),
      order(`${prefix}-socket-ip`, `${prefix}-2`, { email: `${prefix}@example.com`, $ip: null }),
    ]
    await Promise.all([capture(setup.server, firstProject, batch('first')), capture(setup.server, second, batch('second'))])
    const all = [...sent.first, ...sent.second]
    expect(await until(() => all.every((uuid) => setup.emulator.accepted().some((e) => e.event_id === uuid)), 20_000)).toBe(true)
  })

  it("keeps no $ip in that project's stored events", () => {
    const stored = storedEvents()
    for (const uuid of sent.first) {
      expect(stored.get(uuid)?.project).toBe(firstProject.id)
      expect(stored.get(uuid)?.properties).not.toHaveProperty('$ip')
    }
  })

  it("keeps the other project's $ip: its own, or the client's address when it has none", () => {
    const stored = storedEvents()
    expect(stored.get('second-own-ip')).toEqual({ project: second.id, properties: expect.objectContaining({ $ip: '203.0.113.9' }) })
    expect(stored.get('second-socket-ip')).toEqual({ project: second.id, properties: expect.objectContaining({ $ip: '127.0.0.1' }) })
  })

  it("sends that project's events to Pinterest without client_ip_address, and the other's with it", () => {
    for (const uuid of sent.first) expect(deliveredUserData(uuid)).not.toHaveProperty('client_ip_address')
    expect(deliveredUserData('second-own-ip').client_ip_address).toBe('203.0.113.9')
    expect(deliveredUserData('second-socket-ip').client_ip_address).toBe('127.0.0.1')
  })
})
