import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface UiManifest {
  script: string
  styles: string[]
  files: Record<string, { bytes: number; br?: number; gzip?: number }>
}

interface BuildOptions {
  entry?: string
  outdir?: string
}

// The build script is plain JavaScript run by node (npm run build): its one export, typed here.
const { buildUi } = require('../../scripts/build-ui.js') as { buildUi(options: BuildOptions): Promise<UiManifest | null> }

export const FIXTURE_ENTRY = path.join(__dirname, '..', 'fixtures', 'ui', 'main.ts')

export interface BuiltUi {
  dir: string
  manifest: UiManifest
  remove(): void
}

/** Builds `entry` (the fixture page by default) into a fresh temporary folder, as npm run build builds the page. */
export async function buildFixtureUi(entry = FIXTURE_ENTRY): Promise<BuiltUi> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pcapi-ui-'))
  const manifest = await buildUi({ entry, outdir: dir })
  if (!manifest) throw new Error(`no UI entry at ${entry}`)
  return { dir, manifest, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}
