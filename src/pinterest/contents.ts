import {
  ABSENT, Field, Reader, firstItems, isRecord, kindOf, own, readDecimal, readIntegerInRange, readText,
} from './coerce'
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

function firstUsable(item: Record<string, unknown>, keys: readonly string[], read: Reader): [Field<unknown>, string] {
  let firstBad: [Field<unknown>, string] | undefined
  for (const key of keys) {
    const field = read(own(item, key))
    if (field.kind === 'ok') return [field, key]
    if (field.kind === 'bad') firstBad ??= [field, key]
  }
  return firstBad ?? [ABSENT, keys[0]]
}

// Product objects carry many other keys (url, image_url, variant…) by design, so extras are dropped quietly.
function buildItem(item: Record<string, unknown>, path: string): { item: PinterestContentItem; warnings: string[] } {
  const out: Record<string, unknown> = {}
  const warnings: string[] = []
  for (const [target, keys, read] of ITEM_SOURCES) {
    const [field, key] = firstUsable(item, keys, read)
    if (field.kind === 'ok') out[target] = field.value
    if (field.kind === 'bad') warnings.push(`${path}.${key} ${field.problem}; left out`)
  }
  return { item: out as PinterestContentItem, warnings }
}

export function buildContents(raw: unknown, path: string): ContentsResult {
  if (raw === undefined || raw === null) return { contents: [], warnings: [] }
  const list: unknown[] | null = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : null
  if (list === null) {
    return { contents: [], warnings: [`${path} must be an array of objects, got ${kindOf(raw)}; left out`] }
  }
  const warnings = list.length > MAX_ITEMS ? [`${path} has more than ${MAX_ITEMS} items; extra items left out`] : []
  const contents: PinterestContentItem[] = []
  firstItems(list, MAX_ITEMS).forEach((entry, i) => {
    if (!isRecord(entry)) {
      if (entry !== undefined && entry !== null) {
        warnings.push(`${path}[${i}] must be an object, got ${kindOf(entry)}; left out`)
      }
      return
    }
    const built = buildItem(entry, `${path}[${i}]`)
    warnings.push(...built.warnings)
    if (Object.keys(built.item).length > 0) contents.push(built.item)
  })
  return { contents, warnings }
}

// A line item without a quantity is one unit, as on Pinterest's tag.
export function totalQuantity(contents: readonly PinterestContentItem[]): number {
  return contents.reduce((sum, item) => sum + (item.quantity ?? 1), 0)
}
