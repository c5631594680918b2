import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { serveCommand } from '../../src/cli/serve'
import { serverDatabase, serverEnv } from '../helpers/server-store'
import { removeAddedSignalListeners } from '../helpers/signal-listeners'

jest.setTimeout(60_000)

const { added } = removeAddedSignalListeners()
let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-signal-'))
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Collects what serve prints; `onLine` sees each write as it happens. */
function output(onLine: (text: string) => void = () => {}): { stream: Writable; text: () => string } {
  let text = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString()
      onLine(chunk.toString())
      done()
    },
  })
  return { stream, text: () => text }
}

const args = () => ['--port', '0', '--host', '127.0.0.1', '--db', serverDatabase(path.join(dir, 'pipelines.sqlite')), '--api-url', 'http://127.0.0.1:9']

describe('serve and the signals that stop it', () => {
  it('is already listening for SIGTERM and SIGINT when it prints its listening line', async () => {
    const counts: number[] = []
    const out = output((text) => {
      if (text.includes('listening on')) counts.push(added('SIGTERM'), added('SIGINT'))
    })
    const exits: number[] = []
    const running = serveCommand(args(), out.stream, serverEnv(), (code) => exits.push(code))
    while (!out.text().includes('listening on')) await new Promise((resolve) => setTimeout(resolve, 20))
    process.emit('SIGTERM', 'SIGTERM')
    expect(await running).toBe(0)
    expect(counts).toEqual([1, 1])
    expect(exits).toEqual([])
  })

  it('drains once started when the signal came while it was starting', async () => {
    const out = output()
    const exits: number[] = []
    const running = serveCommand(args(), out.stream, serverEnv(), (code) => exits.push(code))
    // serveCommand has run up to its first await, the server's start: the signal comes before any of it is done.
    process.emit('SIGTERM', 'SIGTERM')
    expect(await running).toBe(0)
    const lines = out
      .text()
      .split('\n')
      .map((line) => line.split(' ').slice(0, 3).join(' '))
    expect(lines.filter((line) => /^(pipelines server listening|draining:|stopped:)/.test(line))).toEqual(['pipelines server listening', 'draining: no new', 'stopped: nothing is'])
    expect(exits).toEqual([])
  })
})
