import { benchMapping } from './mapping.bench'

async function main(): Promise<void> {
  const results = [await benchMapping()]
  process.stdout.write(JSON.stringify({ node: process.version, results }, null, 2) + '\n')
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exitCode = 1
})
