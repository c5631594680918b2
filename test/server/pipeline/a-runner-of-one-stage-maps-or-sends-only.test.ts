import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../../src/emulator/server'
import { loadHogParser } from '../../../src/hog/parser'
import { PipelineRunner } from '../../../src/server/pipeline/runner'
import { newSecretKey } from '../../../src/store/secret-key'
import type { Store } from '../../../src/store/types'
import { ACCOUNT, storedOrder, TOKEN } from '../../helpers/pipeline-server'
import { openServerStore } from '../../helpers/server-store'
import { insertPinterestFunction } from '../../helpers/stored-function'

jest.setTimeout(30_000)

let dir: string
let emulator: RunningEmulator
let store: Store
let project: number

beforeAll(async () => {
  await loadHogParser()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-stage-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys: [newSecretKey()] })
  project = store.projects.create('Shop').id
  insertPinterestFunction(store, { id: 'fn', project_id: project, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
})
afterAll(async () => {
  store.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const order = storedOrder

async function soon(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  for (const started = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 5))) {
    if (Date.now() - started > timeoutMs) return false
  }
  return true
}

const sentIds = () => emulator.accepted().map((event) => event.event_id)

describe('a runner of one stage', () => {
  it('mapping only: stores the deliveries, sends none and says it made them; sending only: sends them when told, mapping nothing', async () => {
    // Polls far apart: what happens within the test is what the runners were told of.
    const slow = { apiUrl: emulator.url, pollMs: 60_000, idlePollMs: 60_000 }
    const made: number[] = []
    const mapping = new PipelineRunner(store, { ...slow, stage: 'map', onDeliveries: () => made.push(store.deliveries.counts().pending) })
    const sending = new PipelineRunner(store, { ...slow, stage: 'send' })
    sending.start()
    mapping.start()
    let mappingStopped = false
    try {
      store.events.append(project, [order('a-1'), order('a-2')])
      mapping.notify()
      expect(await soon(() => made.length > 0)).toBe(true)
      expect(made[0]).toBe(2)
      expect(store.events.countPending(project)).toBe(0)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(sentIds()).toEqual([])

      sending.notifyDeliveries()
      expect(await soon(() => sentIds().length === 2)).toBe(true)
      expect(sentIds().sort()).toEqual(['a-1', 'a-2'])
      expect(await soon(() => store.deliveries.counts().delivered === 2)).toBe(true)
      expect(store.deliveries.counts().pending).toBe(0)

      // Told of events, the sending runner maps nothing: they wait for the mapping stage.
      await mapping.stop()
      mappingStopped = true
      store.events.append(project, [order('b-1')])
      sending.notify()
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(store.events.countPending(project)).toBe(1)
    } finally {
      if (!mappingStopped) await mapping.stop()
      await sending.stop()
    }
    // Stopping the sender maps nothing either; the event is the next mapping stage's.
    expect(store.events.countPending(project)).toBe(1)
    expect(sentIds().sort()).toEqual(['a-1', 'a-2'])
  })
})
