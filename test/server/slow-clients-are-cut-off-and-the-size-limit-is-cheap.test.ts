import Database from 'better-sqlite3'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../../src/server/app'
import { DbSizeLimit, parseByteSize } from '../../src/server/disk-limit'
import { GroupCommit } from '../../src/server/group-commit'
import { openSqliteStore } from '../../src/store/sqlite/database'

jest.setTimeout(20_000)

/** Connects, sends `first`, then one more header byte every 100 ms; resolves with what the server did and when. */
function slowClient(port: number, first: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = net.connect(port, '127.0.0.1', () => socket.write(first))
    let answer = ''
    const drip = setInterval(() => socket.write('x'), 100)
    socket.on('data', (chunk) => (answer += chunk.toString()))
    // Past this the test has failed: the server would have held the connection for ever.
    const giveUp = setTimeout(() => socket.destroy(), 10_000)
    const done = () => {
      clearInterval(drip)
      clearTimeout(giveUp)
      resolve({ ms: Date.now() - started, answer })
    }
    socket.on('close', done)
    socket.on('error', () => {})
  })
}

describe('slow clients', () => {
  it('are cut off when their headers take longer than the headers timeout, and the server still answers', async () => {
    const store = openSqliteStore(':memory:')
    const app = buildApp({ store, capture: { writer: new GroupCommit(store.events, () => {}) }, timeouts: { headersMs: 500, requestMs: 1000 } })
    const url = await app.listen({ host: '127.0.0.1', port: 0 })
    const port = Number(new URL(url).port)
    try {
      const [headers, body] = await Promise.all([
        slowClient(port, 'POST /e/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: '),
        slowClient(port, 'POST /e/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n{'),
      ])
      expect(headers.ms).toBeLessThan(5000)
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408/)
      expect(body.ms).toBeLessThan(5000)
      expect((await fetch(`${url}/_health`)).status).toBe(200)
    } finally {
      await app.close()
      store.close()
    }
  })
})

describe('the database size limit', () => {
  it('is read at most once a second, and counts pages SQLite has freed as room', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-size-'))
    const file = path.join(dir, 'db.sqlite')
    const store = openSqliteStore(file)
    const project = store.projects.create('p')
    let now = 0
    const limit = new DbSizeLimit(file, 2_000_000, () => now)
    try {
      expect(limit.reached()).toBe(false)
      const big = 'x'.repeat(10_000)
      for (let i = 0; i < 300; i++) store.events.append(project.id, [{ uuid: `e${i}`, event: 'e', distinct_id: 'd', properties: { big }, timestamp: new Date(0).toISOString() }])
      expect(limit.reached()).toBe(false)
      now += 1000
      expect(limit.reached()).toBe(true)
      const db = new Database(file)
      db.exec('DELETE FROM events')
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.close()
      now += 1000
      expect(limit.reached()).toBe(false)
    } finally {
      store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it.each([
    ['2GB', 2_000_000_000],
    ['500MiB', 500 * 2 ** 20],
    ['1.5 gb', 1_500_000_000],
    ['123456', 123_456],
    ['off', 0],
    ['0', 0],
    ['lots', undefined],
    ['-1GB', undefined],
    ['1e9', undefined],
  ])('reads %p as %p', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes)
  })
})
