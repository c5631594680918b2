import { isRecord } from '../json'
import { type Reader, kindOf, quickCount, quickDecimal, quickText, readDecimal, readIntegerInRange, readText } from './coerce'
import type { PinterestContentItem } from './schema'

interface ItemSource {
  keys: readonly string[]
  read: Reader
  /** The reader's answer for the values carts hold (a short string, a plain number), or undefined to ask the reader. */
  quick: (raw: unknown) => unknown
}

// Pinterest's own keys first, then the PostHog/Segment e-commerce product spec names.
const ID: ItemSource = { keys: ['id', 'product_id', 'sku'], read: readText, quick: quickText }
const PRICE: ItemSource = { keys: ['item_price', 'price'], read: readDecimal, quick: quickDecimal }
const QUANTITY: ItemSource = { keys: ['quantity'], read: readIntegerInRange(0, Number.MAX_SAFE_INTEGER), quick: quickCount }
const NAME: ItemSource = { keys: ['item_name', 'name'], read: readText, quick: quickText }
const CATEGORY: ItemSource = { keys: ['item_category', 'category'], read: readText, quick: quickText }
const BRAND: ItemSource = { keys: ['item_brand', 'brand'], read: readText, quick: quickText }

// A real cart never has this many lines; the cap keeps junk input cheap.
const MAX_ITEMS = 1000

export interface ContentsResult {
  contents: PinterestContentItem[]
  warnings: string[]
}

/** The first usable value under the source's keys; when none is usable, the first bad one is a warning. */
function readSource(item: Record<string, unknown>, source: ItemSource, path: string, index: number, warnings: string[]): unknown {
  let firstBad: string | undefined
  const keys = source.keys
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]
    const raw = Object.hasOwn(item, key) ? item[key] : undefined
    if (raw === undefined || raw === null) continue
    const quick = source.quick(raw)
    if (quick !== undefined) return quick
    const field = source.read(raw)
    if (field.kind === 'ok') return field.value
    if (field.kind === 'bad') firstBad ??= `${path}[${index}].${key} ${field.problem}; left out`
  }
  if (firstBad !== undefined) warnings.push(firstBad)
  return undefined
}

// Product objects carry many other keys (url, image_url, variant…) by design, so extras are dropped quietly.
function buildItem(item: Record<string, unknown>, path: string, index: number, warnings: string[]): PinterestContentItem | undefined {
  const quick = quickItem(item)
  if (quick !== UNDECIDED) return quick
  const out: PinterestContentItem = {}
  const id = readSource(item, ID, path, index, warnings)
  if (id !== undefined) out.id = id as string
  const price = readSource(item, PRICE, path, index, warnings)
  if (price !== undefined) out.item_price = price as string
  const quantity = readSource(item, QUANTITY, path, index, warnings)
  if (quantity !== undefined) out.quantity = quantity as number
  const name = readSource(item, NAME, path, index, warnings)
  if (name !== undefined) out.item_name = name as string
  const category = readSource(item, CATEGORY, path, index, warnings)
  if (category !== undefined) out.item_category = category as string
  const brand = readSource(item, BRAND, path, index, warnings)
  if (brand !== undefined) out.item_brand = brand as string
  const empty = id === undefined && price === undefined && quantity === undefined && name === undefined && category === undefined && brand === undefined
  return empty ? undefined : out
}

const UNDECIDED = Symbol('undecided')
const ownKey = Object.prototype.hasOwnProperty

/**
 * buildItem's answer for the usual cart line, where every value under the item keys is one the quick readers
 * take: then no value is bad and each field is its first present value, as readSource finds. Otherwise
 * UNDECIDED, for readSource to decide (and warn). It runs for every line of every cart, so it reads the item in
 * one pass over its own keys, into locals by a switch on the parser's interned key strings: reading each of the
 * twelve candidate keys by name, as readSource does, costs a lookup in V8's megamorphic cache per key and
 * made building the contents about twice as slow (2026-12-04: 6 against 11 to 12 µs for a 10-line cart, and 6.5%
 * fewer instructions per mapped Order Completed under callgrind). The cases are the keys of the sources above
 * (a test checks each key on both paths).
 */
function quickItem(item: Record<string, unknown>): PinterestContentItem | undefined | typeof UNDECIDED {
  let id: string | undefined, productId: string | undefined, sku: string | undefined
  let itemPrice: string | undefined, price: string | undefined, quantity: number | undefined
  let itemName: string | undefined, name: string | undefined, itemCategory: string | undefined
  let category: string | undefined, itemBrand: string | undefined, brand: string | undefined
  // for-in with hasOwnProperty.call on its key is a form V8 answers from the object's enum cache.
  for (const key in item) {
    if (!ownKey.call(item, key)) continue
    const raw = item[key]
    if (raw === undefined || raw === null) continue
    let read: unknown
    switch (key) {
      case 'id':
        read = id = quickText(raw)
        break
      case 'product_id':
        read = productId = quickText(raw)
        break
      case 'sku':
        read = sku = quickText(raw)
        break
      case 'item_price':
        read = itemPrice = quickDecimal(raw)
        break
      case 'price':
        read = price = quickDecimal(raw)
        break
      case 'quantity':
        read = quantity = quickCount(raw)
        break
      case 'item_name':
        read = itemName = quickText(raw)
        break
      case 'name':
        read = name = quickText(raw)
        break
      case 'item_category':
        read = itemCategory = quickText(raw)
        break
      case 'category':
        read = category = quickText(raw)
        break
      case 'item_brand':
        read = itemBrand = quickText(raw)
        break
      case 'brand':
        read = brand = quickText(raw)
        break
      default:
        continue
    }
    if (read === undefined) return UNDECIDED
  }
  const out: PinterestContentItem = {}
  const outId = id ?? productId ?? sku
  if (outId !== undefined) out.id = outId
  const outPrice = itemPrice ?? price
  if (outPrice !== undefined) out.item_price = outPrice
  if (quantity !== undefined) out.quantity = quantity
  const outName = itemName ?? name
  if (outName !== undefined) out.item_name = outName
  const outCategory = itemCategory ?? category
  if (outCategory !== undefined) out.item_category = outCategory
  const outBrand = itemBrand ?? brand
  if (outBrand !== undefined) out.item_brand = outBrand
  const empty = outId === undefined && outPrice === undefined && quantity === undefined && outName === undefined && outCategory === undefined && outBrand === undefined
  return empty ? undefined : out
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
    if (item !== undefined) contents.push(item)
  }
  return { contents, warnings }
}

// A line item without a quantity is one unit, as on Pinterest's tag.
export function totalQuantity(contents: readonly PinterestContentItem[]): number {
  return contents.reduce((sum, item) => sum + (item.quantity ?? 1), 0)
}
