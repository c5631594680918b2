import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

// The plugin bundle swaps this module for one with the files inlined (see scripts/bundle-plugin.js),
// because a plugin server loads one file and has no templates/ folder beside it.
const ROOT = resolve(__dirname, '../..')

export const TEMPLATE_PATH = 'templates/pinterest-conversions-api.json'

export function mappingPath(name: string): string {
  return `mappings/${name}.json`
}

/** The text of a file of the package (relative path such as `mappings/checkout.json`). */
export function readPackageFile(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8')
}
