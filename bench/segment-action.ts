import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { packageRoot } from '../src/template/files'

/** Segment's package lives in its own folder so that the project's `npm ci` never installs it. */
const SEGMENT_DIR = path.join(packageRoot(__dirname), 'bench/segment')
const DESTINATION = '@segment/action-destinations/dist/destinations/pinterest-conversions'

/** Installs bench/segment's pinned packages when they are missing (the first `npm run bench -- segment`). */
function installSegment(): void {
  if (existsSync(path.join(SEGMENT_DIR, 'node_modules', DESTINATION))) return
  process.stderr.write(`installing Segment's action destinations into ${SEGMENT_DIR} (once)\n`)
  // --ignore-scripts: nothing in the action path needs an install script, and none should run on a bench machine.
  // npm's own output goes to stderr: stdout is the benchmark's JSON.
  execFileSync('npm', ['ci', '--prefix', SEGMENT_DIR, '--ignore-scripts', '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] })
}

export type SegmentTrack = Record<string, unknown>

/**
 * Segment's own path for one track event through its Pinterest Conversions action, as its Checkout preset
 * runs it: the mapping-kit transform of the preset's mapping, empty values removed, the payload validated
 * against the action's schema, then `perform` (checks, hashing, the request body) with an HTTP client that
 * serialises the JSON body, as a real one would, and sends nothing.
 */
export function segmentCheckoutAction(): (event: SegmentTrack) => Promise<string> {
  installSegment()
  const load = createRequire(path.join(SEGMENT_DIR, 'package.json'))
  const core = load('@segment/actions-core')
  // Not exported by the package, but Action.execute runs it between transform and validateSchema.
  const { removeEmptyValues } = load(path.join(path.dirname(load.resolve('@segment/actions-core')), 'remove-empty-values.js'))
  const destination = load(DESTINATION).default
  const preset = destination.presets.find((p: { name: string }) => p.name === 'Checkout')
  const action = new core.Destination(destination).actions[preset.partnerAction]
  const schema = action.schema
  const schemaKey = `${destination.name}:${action.definition.title}`
  const settings = { ad_account_id: '549755885175', conversion_token: 'bench-token' }
  let body = ''
  const request = async (_url: string, options: { json: unknown }) => {
    body = JSON.stringify(options.json)
    return { status: 200 }
  }
  return async (event) => {
    const payload = removeEmptyValues(core.transform(preset.mapping, event), schema, true)
    core.validateSchema(payload, schema, { schemaKey, exempt: ['dynamicAuthSettings'] })
    await action.definition.perform(request, { settings, payload, rawData: event, rawMapping: preset.mapping })
    return body
  }
}
