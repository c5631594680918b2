import { benchDelivery } from './delivery.bench'
import { benchMapping } from './mapping.bench'
import { benchServer } from './server.bench'

async function main(): Promise<void> {
  const results = [await benchMapping(), await benchDelivery(), await benchServer()]
  process.stdout.write(JSON.stringify({ node: process.version, results }, null, 2) + '\n')
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`)
  process.exitCode = 1
})
