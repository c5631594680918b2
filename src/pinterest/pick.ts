import { type Reader, own } from './coerce'

export interface Picked {
  values: Record<string, unknown>
  warnings: string[]
  unknownKeys: string[]
}

// Output objects only ever get keys from `readers`, so input keys like "__proto__" cannot leak through.
export function pickFields(obj: Record<string, unknown>, readers: ReadonlyMap<string, Reader>, path: string): Picked {
  const values: Record<string, unknown> = {}
  const warnings: string[] = []
  for (const [key, read] of readers) {
    const raw = own(obj, key)
    if (raw === undefined || raw === null) continue
    const field = read(raw)
    if (field.kind === 'ok') values[key] = field.value
    if (field.kind === 'bad') warnings.push(`${path}${key} ${field.problem}; left out`)
  }
  const unknownKeys = Object.keys(obj).filter((key) => !readers.has(key))
  return { values, warnings, unknownKeys }
}

export const isEmpty = (obj: object): boolean => Object.keys(obj).length === 0
