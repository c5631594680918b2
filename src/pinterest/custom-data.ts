import { ABSENT, type Field, type Reader, bad, firstItems, ok, own, preview, readDecimal, readIntegerInRange, readObject, readText } from './coerce'
import { buildContents, totalQuantity } from './contents'
import { isEmpty, pickFields } from './pick'
import type { PinterestContentItem, PinterestCustomData } from './schema'
import { describeUnknownKeys } from './unknown-keys'

const PATH = 'custom_data'
const MAX_IDS = 1000

const readCurrency: Reader<string> = (raw) => {
  const text = readText(raw)
  if (text.kind !== 'ok') return text
  const code = text.value.toUpperCase()
  return /^[A-Z]{3}$/.test(code) ? ok(code) : bad(`must be a 3-letter ISO-4217 code, got ${preview(raw)}`)
}

// Pinterest only acts on "LDP" and matches flags exactly, so case and spacing are tidied.
const readOptOutType: Reader<string> = (raw) => {
  const text = readText(raw)
  if (text.kind !== 'ok') return text
  const flags = text.value
    .split(',')
    .map((f) => f.trim().toUpperCase())
    .filter((f) => f !== '')
  return flags.length === 0 ? ABSENT : ok(flags.join(','))
}

const SCALAR_READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['currency', readCurrency],
  ['value', readDecimal],
  ['predicted_ltv', readDecimal],
  ['num_items', readIntegerInRange(0, Number.MAX_SAFE_INTEGER)],
  ['order_id', readText],
  ['search_string', readText],
  ['content_name', readText],
  ['content_category', readText],
  ['content_brand', readText],
  ['opt_out_type', readOptOutType],
  ['np', readText],
])

const LIST_KEYS = new Set(['content_ids', 'contents'])

/** The keys `custom_data` takes; others are ignored. */
export const CUSTOM_DATA_KEYS: readonly string[] = [...SCALAR_READERS.keys(), ...LIST_KEYS]

function readContentIds(raw: unknown): { ids: string[]; warnings: string[] } {
  if (raw === undefined || raw === null) return { ids: [], warnings: [] }
  const list = Array.isArray(raw) ? firstItems(raw, MAX_IDS) : [raw]
  const fields: Field<string>[] = list.map(readText)
  const firstBad = fields.find((f) => f.kind === 'bad')
  const warnings = firstBad?.kind === 'bad' ? [`${PATH}.content_ids: some ids left out (${firstBad.problem})`] : []
  const ids = fields.flatMap((f) => (f.kind === 'ok' ? [f.value] : []))
  return { ids: [...new Set(ids)], warnings }
}

export interface CustomDataResult {
  customData?: PinterestCustomData
  warnings: string[]
}

function deriveNumItems(explicit: unknown, quantity: number): number | undefined {
  if (explicit !== undefined) return explicit as number
  return quantity > 0 && Number.isSafeInteger(quantity) ? quantity : undefined
}

export function buildCustomData(raw: unknown): CustomDataResult {
  const object = readObject(raw)
  if (object.kind === 'absent') return { warnings: [] }
  if (object.kind === 'bad') return { warnings: [`${PATH} ${object.problem}; left out`] }
  const obj = object.value
  const picked = pickFields(obj, SCALAR_READERS, `${PATH}.`)
  const customData = picked.values as PinterestCustomData
  const contents = buildContents(own(obj, 'contents'), `${PATH}.contents`)
  const explicitIds = readContentIds(own(obj, 'content_ids'))
  const ids = explicitIds.ids.length > 0 ? explicitIds.ids : derivedIds(contents.contents)
  if (ids.length > 0) customData.content_ids = ids
  if (contents.contents.length > 0) customData.contents = contents.contents
  const numItems = deriveNumItems(customData.num_items, totalQuantity(contents.contents))
  if (numItems !== undefined) customData.num_items = numItems
  const unknown = picked.unknownKeys.filter((key) => !LIST_KEYS.has(key))
  const warnings = [...picked.warnings, ...explicitIds.warnings, ...contents.warnings, ...describeUnknownKeys(PATH, unknown)]
  return { customData: isEmpty(customData) ? undefined : customData, warnings }
}

function derivedIds(contents: readonly PinterestContentItem[]): string[] {
  const ids = new Set<string>()
  for (const item of contents) if (item.id !== undefined) ids.add(item.id)
  return [...ids]
}
