import { isRecord } from '../json'
import { type Reader, kindOf, readDecimal, readIntegerInRange, readText } from './coerce'
import type { PinterestContentItem } from './schema'

type ItemKey = keyof PinterestContentItem

// Pinterest's own keys first, then the PostHog/Segment e-commerce product spec names.
const ITEM_SOURCES: ReadonlyArray<readonly [ItemKey, readonly string[], Reader]> = [
  ['id', ['id', 'product_id', 'sku'], readText],
  ['item_price', ['item_price', 'price'], readDecimal],
  ['quantity', ['quantity'], readIntegerInRange(0, Number.MAX_SAFE_INTEGER)],
  ['item_name', ['item_name', 'name'], readText],
  ['item_category', ['item_category', 'category'], readText],
  ['item_brand', ['item_brand', 'brand'], readText],
]

// A real cart never has this many lines; the cap keeps junk input cheap.
const MAX_ITEMS = 1000

export interface ContentsResult {
  contents: PinterestContentItem[]
  warnings: string[]
}

// Product objects carry many other keys (url, image_url, variant…) by design, so extras are dropped quietly.
// Runs for every line of every cart: absent keys never reach a reader, and nothing is built for a warning
// that is not needed.
function buildItem(item: Record<string, unknown>, path: string, index: number, warnings: string[]): PinterestContentItem {
  const out: Record<string, unknown> = {}
  for (let t = 0; t < ITEM_SOURCES.length; t++) {
    const [target, keys, read] = ITEM_SOURCES[t]
    let firstBad: string | undefined
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]
      const raw = Object.hasOwn(item, key) ? item[key] : undefined
      if (raw === undefined || raw === null) continue
      const field = read(raw)
      if (field.kind === 'ok') {
        out[target] = field.value
        firstBad = undefined
        break
      }
      if (field.kind === 'bad') firstBad ??= `${path}[${index}].${key} ${field.problem}; left out`
    }
    if (firstBad !== undefined) warnings.push(firstBad)
  }
  return out as PinterestContentItem
}

export function buildContents(raw: unknown, path: string): ContentsResult {
  if (raw === undefined || raw === null) return { contents: [], warnings: [] }
  const list: unknown[] | null = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : null
  if (list === null) {
    return { contents: [], warnings: [`${path} must be an array of objects, got ${kindOf(raw)}; left out`] }
  }
  const warnings = list.length > MAX_ITEMS ? [`${path} has more than ${MAX_ITEMS} items; extra items left out`] : []
  const contents: PinterestContentItem[] = []
  // Indexing (not iterating) keeps sparse arrays cheap: a hole reads as undefined.
  const count = Math.min(list.length, MAX_ITEMS)
  for (let i = 0; i < count; i++) {
    const entry = list[i]
    if (!isRecord(entry)) {
      if (entry !== undefined && entry !== null) warnings.push(`${path}[${i}] must be an object, got ${kindOf(entry)}; left out`)
      continue
    }
    const item = buildItem(entry, path, i, warnings)
    if (Object.keys(item).length > 0) contents.push(item)
  }
  return { contents, warnings }
}

// A line item without a quantity is one unit, as on Pinterest's tag.
export function totalQuantity(contents: readonly PinterestContentItem[]): number {
  return contents.reduce((sum, item) => sum + (item.quantity ?? 1), 0)
}
