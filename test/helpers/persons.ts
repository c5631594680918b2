import { PersonBatch } from '../../src/server/pipeline/person-batch'
import type { CapturedEvent, Store } from '../../src/store/types'

/** Applies events to their persons as the pipeline does (one batch), for tests that seed persons directly. */
export function applyPersons(store: Store, projectId: number, events: CapturedEvent[]): void {
  const batch = new PersonBatch((distinctId) => store.persons.find(projectId, distinctId))
  for (const event of events) batch.apply(event)
  store.transaction(() => store.persons.write(projectId, batch.changes()))
}
