import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST the receiver got: its path, the status it answered, and the JSON body. */
export interface Received {
  path: string
  status: number
  body: { text: string }
}

/** A Slack-style webhook on 127.0.0.1 port 0: it records every POST and answers `answer(path)` (200 by default). */
export interface WebhookReceiver {
  url(path: string): string
  received: Received[]
  /** The bodies taken (2xx) on one path, in order. */
  taken(path: string): string[]
  answer: (path: string) => number
  close(): Promise<void>
}

export async function startReceiver(): Promise<WebhookReceiver> {
  const receiver: Omit<WebhookReceiver, 'url' | 'close'> = {
    received: [],
    taken: (path) => receiver.received.filter((r) => r.path === path && r.status < 300).map((r) => r.body.text),
    answer: () => 200,
  }
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = request.url ?? '/'
      const status = receiver.answer(path)
      receiver.received.push({ path, status, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string } })
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(receiver, {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}
