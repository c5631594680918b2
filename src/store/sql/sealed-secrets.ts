import type { SqlConnection } from './connection'
import { isSealed, type SecretBox } from '../secret-box'

/**
 * Where a row's sealed values belong (e.g. `hog_functions/<id>`): authenticated with each value, so that a
 * value copied into another row, or between a function and its versions, does not open.
 */
export type SecretPlace = string

const context = (place: SecretPlace, name: string) => `${place}/${name}`

export const functionPlace = (functionId: string): SecretPlace => `hog_functions/${functionId}`
export const versionPlace = (functionId: string, versionId: string): SecretPlace => `hog_function_versions/${functionId}/${versionId}`
export const alertPlace = (functionId: string): SecretPlace => `alert_settings/${functionId}`

export function sealSecrets(box: SecretBox, place: SecretPlace, secrets: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, box.seal(value, context(place, name))])))
}

/** `clearAllowed` only while sealing the clear values of a database from before encryption at rest. */
export function openSecrets(box: SecretBox, place: SecretPlace, stored: Record<string, string>, clearAllowed = false): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).map(([name, value]) => [name, clearAllowed && !isSealed(value) ? value : box.open(value, context(place, name))]))
}

export interface SealReport {
  /** Secret values stored in clear (before encryption at rest) that are now sealed. */
  sealed: number
  /** Values sealed with an older key, now sealed with the current one (a rotation). */
  resealed: number
  /** Every stored secret value (of functions, of their versions and of their alerts), each checked to open with the keys given. */
  total: number
}

/** A table whose rows hold sealed secrets, and the place of each row's values. */
interface SealedTable {
  select: string
  update: string
  place(row: { id: string; function_id?: string }): SecretPlace
}

const SEALED_TABLES: SealedTable[] = [
  { select: 'SELECT id, secrets FROM hog_functions', update: 'UPDATE hog_functions SET secrets = ? WHERE id = ?', place: (row) => functionPlace(row.id) },
  {
    select: 'SELECT id, function_id, secrets FROM hog_function_versions',
    update: 'UPDATE hog_function_versions SET secrets = ? WHERE id = ?',
    place: (row) => versionPlace(row.function_id ?? '', row.id),
  },
  { select: 'SELECT function_id AS id, secrets FROM alert_settings', update: 'UPDATE alert_settings SET secrets = ? WHERE function_id = ?', place: (row) => alertPlace(row.id) },
]

/**
 * Makes every stored secret value sealed with the box's current key, in one transaction: clear values
 * of databases from before encryption at rest, and values of an older key, are sealed again. Throws
 * SecretKeyError, changing nothing, when a value does not open with the keys given.
 */
export function sealStoredSecrets(db: SqlConnection, box: SecretBox): SealReport {
  const report: SealReport = { sealed: 0, resealed: 0, total: 0 }
  db.transaction(() => {
    for (const table of SEALED_TABLES) {
      const update = db.prepare(table.update)
      for (const row of db.prepare(table.select).all() as { id: string; function_id?: string; secrets: string }[]) {
        const stored = JSON.parse(row.secrets) as Record<string, string>
        // Opening checks every value, so that a wrong key fails here.
        const opened = openSecrets(box, table.place(row), stored, true)
        const values = Object.values(stored)
        const clear = values.filter((v) => !isSealed(v)).length
        const older = values.filter((v) => isSealed(v) && box.sealedWith(v) !== box.currentId).length
        report.total += values.length
        report.sealed += clear
        report.resealed += older
        if (clear + older > 0) update.run(sealSecrets(box, table.place(row), opened), row.id)
      }
    }
  })
  return report
}
