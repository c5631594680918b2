import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

// The plugin bundle swaps this module for one providing readPackageFile from files inlined (see
// scripts/bundle-plugin.js), because a plugin server loads one file and has no templates/ folder beside it.

/** The package's own folder: the nearest one above this file holding package.json (src/, dist/ or a build of the benchmarks). */
export function packageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`)
  }
}

const ROOT = packageRoot(__dirname)

/** The text of a file of the package (relative path such as `mappings/checkout.json`). */
export function readPackageFile(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8')
}
