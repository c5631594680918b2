import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/** Only the owner reads the database files and the key file: they hold tokens, keys and persons. */
export const PRIVATE_FILE_MODE = 0o600

/** Creates the folder of `file` (0700) when it does not exist; an existing folder is left as it is. */
export function ensureFolderOf(file: string): void {
  const folder = dirname(file)
  if (!existsSync(folder)) mkdirSync(folder, { recursive: true, mode: 0o700 })
}
