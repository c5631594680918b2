import Fastify from 'fastify'

// The same framework answering a route that does nothing: the ceiling capture is compared with.
async function main(): Promise<void> {
  const app = Fastify({ logger: false })
  app.post('/bare', async () => ({ status: 1 }))
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  process.stdout.write(`bare server listening on ${url}\n`)
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)))
}

void main()
