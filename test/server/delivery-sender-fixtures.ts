import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { insertPinterestFunction } from '../helpers/stored-function'
import { loadHogParser } from '../../src/hog/parser'
import { DeliverySender, type SenderOptions } from '../../src/server/pipeline/delivery-sender'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

export const TOKEN = 'pina_sender_secret_token'
export const ACCOUNT = '549755885175'

/** A store on disk-free SQLite with one project, and a way to add enabled Pinterest functions to it. */
export async function senderStore(): Promise<{ store: Store; projectId: number; addFunction: (id: string, account?: string) => string; sender: (options: SenderOptions) => DeliverySender }> {
  await loadHogParser()
  const store = openServerStore(':memory:')
  const projectId = store.projects.create('P').id
  const addFunction = (id: string, account = ACCOUNT) =>
    insertPinterestFunction(store, { id, project_id: projectId, name: `Pinterest ${id}`, inputs: { ad_account_id: { value: account } }, secrets: { conversion_token: TOKEN } }).id
  const sender = (options: SenderOptions) => new DeliverySender(store, new FunctionRegistry(store.functions), options)
  return { store, projectId, addFunction, sender }
}

export const nowSeconds = () => Math.floor(Date.now() / 1000) - 60

/** A Pinterest event as the pipeline stores it, serialised. */
export function payload(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ event_name: 'checkout', action_source: 'web', event_time: nowSeconds(), event_id: id, user_data: { em: ['c'.repeat(64)] }, ...extra })
}

/** Stores `count` due deliveries of one function, ids `${prefix}-0`…, as the event processor would. */
export function addDeliveries(store: Store, projectId: number, functionId: string, prefix: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({})): void {
  const now = Date.now()
  store.deliveries.add(
    Array.from({ length: count }, (_, i) => ({
      project_id: projectId,
      function_id: functionId,
      mapping: 'Checkout',
      event_uuid: `${prefix}-uuid-${i}`,
      event_id: `${prefix}-${i}`,
      payload: payload(`${prefix}-${i}`, extra(i)),
      next_attempt_at: now,
      first_seen_at: now,
    })),
  )
}

/** Runs rounds until `done` holds or the time is up (a generous bound, not a speed assertion). */
export async function runUntil(sender: DeliverySender, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now()
  while (!done()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await sender.runOnce()
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

type SenderSetup = Awaited<ReturnType<typeof senderStore>> & { emulator: RunningEmulator }

/**
 * Called at the top of a test file: `start(emulatorOptions)` gives a sender store beside an emulator,
 * both closed after each test.
 */
export function useSenderAndEmulator(): (options: EmulatorOptions) => Promise<SenderSetup> {
  let running: SenderSetup | undefined
  afterEach(async () => {
    await running?.emulator.close()
    running?.store.close()
    running = undefined
  })
  return async (options) => {
    const setup = await senderStore()
    running = { ...setup, emulator: await startEmulator(options) }
    return running
  }
}
