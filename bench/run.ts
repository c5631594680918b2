import { benchCli } from './cli.bench'
import { benchDelivery } from './delivery.bench'
import { benchMapping } from './mapping.bench'
import { benchPage } from './page.bench'
import { benchPostgres } from './postgres.bench'
import { benchSegment } from './segment.bench'
import { benchServer } from './server.bench'

const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  mapping: benchMapping,
  segment: benchSegment,
  delivery: benchDelivery,
  server: benchServer,
  page: benchPage,
  postgres: benchPostgres,
  cli: benchCli,
}

// `npm run bench` runs all; `npm run bench -- delivery` runs the named ones.
async function main(): Promise<void> {
  const names = process.argv.slice(2)
  const unknown = names.filter((name) => !Object.hasOwn(BENCHES, name))
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`)
  const results: Record<string, unknown>[] = []
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) results.push(await BENCHES[name]())
  process.stdout.write(JSON.stringify({ node: process.version, results }, null, 2) + '\n')
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exitCode = 1
})
