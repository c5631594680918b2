import { execFileSync } from 'node:child_process'
import * as path from 'node:path'

const ROOT = path.resolve(__dirname, '../..')
const CLI = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')

export interface Violation {
  rule: string
  from: string
  to: string
}

/** Runs dependency-cruiser with the project's rules on `folder` (relative to `cwd`) and returns what it reports. */
export function layerViolations(cwd: string = ROOT, folder = 'src'): Violation[] {
  // It exits non-zero when it finds violations; the JSON report is on stdout either way.
  let out: string
  try {
    out = execFileSync(process.execPath, [CLI, folder, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'], { cwd, encoding: 'utf8' })
  } catch (error) {
    out = (error as { stdout?: string }).stdout ?? ''
    if (out === '') throw error
  }
  const report = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } }
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }))
}
