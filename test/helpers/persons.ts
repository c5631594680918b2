import { PersonBatch } from '../../src/server/pipeline/person-batch'
import type { CapturedEvent, Store } from '../../src/store/types'

/** Applies events to their persons as the pipeline does (one batch), for tests that seed persons directly. */
export function applyPersons(store: Store, projectId: number, events: CapturedEvent[]): void {
  const batch = new PersonBatch((distinctId) => store.persons.find(projectId, distinctId))
  for (const event of events) batch.apply(event)
  store.transaction(() => store.persons.write(projectId, batch.changes()))
}

/** A captured event as capture stores it, for tests that seed the store directly. */
export const capturedEvent = (uuid: string, name: string, distinctId: string, properties: Record<string, unknown> = {}): CapturedEvent => ({
  uuid,
  event: name,
  distinct_id: distinctId,
  properties,
  timestamp: '2026-11-29T00:00:00.000Z',
})
