import { isRecord } from '../../json'
import { newId } from '../../store/tokens'
import type { CapturedEvent, Person, PersonChanges, StoredPerson } from '../../store/types'

/** A person's properties, serialised, at most: an update that would make them larger is refused. */
export const MAX_PERSON_BYTES = 512 * 1024

export type PersonUpdate = { person: Person | undefined; refused?: string }

interface Cached extends StoredPerson {
  changed: boolean
}

/**
 * The persons of one batch of a project's events, as PostHog keeps them: `$set` and `$set_once` per
 * person, and two persons become one on `$identify`. Each person is read once, kept in memory while the
 * batch is applied, and each changed one written once (`changes`).
 */
export class PersonBatch {
  /** Distinct id → person id (null: no person), as the batch sees it. */
  private readonly ids = new Map<string, string | null>()
  private readonly persons = new Map<string, Cached>()
  /** Persons merged away in this batch → the person they became part of. */
  private readonly mergedInto = new Map<string, string>()
  private readonly merged: PersonChanges['merged'] = []
  private readonly linked = new Set<string>()

  constructor(
    private readonly find: (distinctId: string) => StoredPerson | undefined,
    private readonly maxBytes = MAX_PERSON_BYTES,
  ) {}

  /**
   * Reads the persons of these distinct ids at once (one statement for a batch instead of one a distinct id);
   * call before the first `apply`. Ids already known to the batch are not read again.
   */
  preload(distinctIds: Iterable<string>, findMany: (distinctIds: string[]) => ReadonlyMap<string, StoredPerson>): void {
    const unknown = [...new Set(distinctIds)].filter((id) => !this.ids.has(id))
    if (unknown.length === 0) return
    const found = findMany(unknown)
    for (const distinctId of unknown) this.remember(distinctId, found.get(distinctId))
  }

  /** Applies the event to its person; returns the person as this event sees it. */
  apply(event: CapturedEvent): PersonUpdate {
    const set = isRecord(event.properties.$set) ? event.properties.$set : {}
    const setOnce = isRecord(event.properties.$set_once) ? event.properties.$set_once : {}
    const anonymous = event.event === '$identify' && typeof event.properties.$anon_distinct_id === 'string' ? event.properties.$anon_distinct_id : undefined
    const identified = this.lookup(event.distinct_id)
    if (Object.keys(set).length === 0 && Object.keys(setOnce).length === 0 && anonymous === undefined) return { person: view(identified) }
    const anonymousPerson = anonymous === undefined ? undefined : this.lookup(anonymous)
    const person = identified ?? anonymousPerson
    const merging = identified && anonymousPerson && anonymousPerson.id !== identified.id ? anonymousPerson : undefined
    // The identified person's values win, as in PostHog.
    const previous = merging ? { ...merging.properties, ...identified?.properties } : (person?.properties ?? {})
    const baseBytes = merging ? Buffer.byteLength(JSON.stringify(previous)) : (person?.bytes ?? 2)
    const bytes = baseBytes + grownBy(previous, set, setOnce)
    if (bytes > this.maxBytes) return { person: view(person), refused: `its properties would be about ${bytes} bytes, over the limit of ${this.maxBytes}` }
    const id = person?.id ?? newId()
    this.persons.set(id, { id, properties: { ...setOnce, ...previous, ...set }, bytes, changed: true })
    this.link(event.distinct_id, id)
    if (anonymous !== undefined) this.link(anonymous, id)
    if (merging) {
      this.mergedInto.set(merging.id, id)
      this.merged.push({ from: merging.id, into: id })
      this.persons.delete(merging.id)
    }
    return { person: view(this.persons.get(id)) }
  }

  /** What the batch changed, for the store to write at once. */
  changes(): PersonChanges {
    const persons = [...this.persons.values()].filter((p) => p.changed).map((p) => ({ id: p.id, properties: JSON.stringify(p.properties) }))
    const links = [...this.linked].map((distinctId) => ({ distinctId, personId: this.resolve(this.ids.get(distinctId) as string) }))
    return { persons, links, merged: [...this.merged] }
  }

  private lookup(distinctId: string): Cached | undefined {
    let id = this.ids.get(distinctId)
    if (id === undefined) id = this.remember(distinctId, this.find(distinctId))
    return id === null ? undefined : this.persons.get(this.resolve(id))
  }

  private remember(distinctId: string, stored: StoredPerson | undefined): string | null {
    const id = stored ? this.resolve(stored.id) : null
    this.ids.set(distinctId, id)
    // A person seen before through another of its distinct ids keeps the batch's version.
    if (stored && id === stored.id && !this.persons.has(id)) this.persons.set(id, { ...stored, changed: false })
    return id
  }

  private link(distinctId: string, personId: string): void {
    if (this.ids.get(distinctId) === personId) return
    this.ids.set(distinctId, personId)
    this.linked.add(distinctId)
  }

  private resolve(personId: string): string {
    let id = personId
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next
    return id
  }
}

function view(person: Cached | undefined): Person | undefined {
  return person && { id: person.id, properties: person.properties }
}

/**
 * How many bytes `$set` and `$set_once` add to the serialised properties, without serialising them all:
 * a person near the limit updated by every event of a batch would otherwise cost its whole size each time.
 */
function grownBy(previous: Record<string, unknown>, set: Record<string, unknown>, setOnce: Record<string, unknown>): number {
  let grown = 0
  const current = (key: string): unknown => (Object.hasOwn(previous, key) ? previous[key] : Object.hasOwn(setOnce, key) ? setOnce[key] : undefined)
  for (const [key, value] of Object.entries(setOnce)) if (!Object.hasOwn(previous, key)) grown += entryBytes(key, value)
  for (const [key, value] of Object.entries(set)) {
    const old = current(key)
    if (old !== undefined) grown -= entryBytes(key, old)
    grown += entryBytes(key, value)
  }
  return grown
}

/** `"key":value,` serialised. */
function entryBytes(key: string, value: unknown): number {
  return Buffer.byteLength(JSON.stringify(key)) + Buffer.byteLength(JSON.stringify(value) ?? 'null') + 2
}

/** The distinct ids whose persons an event reads: its own, and on `$identify` the anonymous one merged into it. */
export function personIdsOf(event: CapturedEvent): string[] {
  const anonymous = event.event === '$identify' ? event.properties.$anon_distinct_id : undefined
  return typeof anonymous === 'string' ? [event.distinct_id, anonymous] : [event.distinct_id]
}
