import fs from 'node:fs'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { main, report } from '../../src/cli/main'
import { UsageError } from '../../src/cli/usage'
import { ConfigError } from '../../src/errors'
import { runCli } from '../helpers/server-process'

jest.setTimeout(40_000)

const COMMANDS = ['serve', 'projects', 'keys', 'functions', 'deliveries', 'backfill', 'secrets', 'persons', 'map', 'send', 'emulator']
const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version

async function output(argv: string[]): Promise<{ code: number; text: string }> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const code = await main(argv, out)
  return { code, text: Buffer.concat(chunks).toString() }
}

async function usageError(argv: string[]): Promise<{ text: string; code: number }> {
  const error = await main(argv, new PassThrough()).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UsageError)
  return report(error)
}

describe('pinterest-capi help', () => {
  it.each(COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const { code, text } = await output([command, flag])
      expect(code).toBe(0)
      expect(text.startsWith(`Usage: pinterest-capi ${command} `)).toBe(true)
      expect(text.split('\n').length).toBeGreaterThan(3)
    }
    expect((await output(['help', command])).text).toBe((await output([command, '--help'])).text)
  })

  it('--help lists every command, --version prints the package version', async () => {
    const { code, text } = await output(['--help'])
    expect(code).toBe(0)
    for (const command of COMMANDS) expect(text).toContain(`\n  ${command} `)
    expect(await output(['--version'])).toEqual({ code: 0, text: `${VERSION}\n` })
  })
})

describe('usage mistakes', () => {
  it('an unknown option is a usage error with the usage line of its command, exit 2', async () => {
    const { text, code } = await usageError(['keys', 'list', '--verbose'])
    expect(code).toBe(2)
    expect(text).toBe(
      'usage error: unknown option --verbose\n' +
        'Usage: pinterest-capi keys list [--project ID] [--db FILE]\n' +
        '       pinterest-capi keys create --label LABEL [--project ID] [--scopes hog_function:read,hog_function:write,project:read,project:write] [--db FILE]\n' +
        '       pinterest-capi keys revoke ID [--db FILE]\n' +
        "Run 'pinterest-capi keys --help' for details.\n",
    )
  })

  it.each([
    [['map'], 'map needs --function FILE', 'map'],
    [['send', '--events', 'x.jsonl'], 'send needs --function FILE', 'send'],
    [['serve', '--port'], '--port needs a value', 'serve'],
    [['emulator', '--seed'], '--seed needs a value', 'emulator'],
    [['persons', 'delete'], 'persons delete needs --distinct-id ID', 'persons'],
    [['secrets'], 'secrets needs one of: rotate-key', 'secrets'],
    [['functions', 'history'], 'functions history needs one function ID', 'functions'],
    [['functions', 'revert', 'fn-1'], 'functions revert needs a function ID and a VERSION', 'functions'],
    [['projects', 'rename'], 'unknown projects command; expected one of: list, create', 'projects'],
    [['map', '--function', 'f.json', 'phx_pasted_key'], 'unexpected argument (this command takes options only)', 'map'],
  ])('%j: %s', async (argv, message, command) => {
    const { text, code } = await usageError(argv)
    expect(code).toBe(2)
    expect(text).toMatch(new RegExp(`^usage error: ${message.replace(/[()]/g, '\\$&')}\nUsage: pinterest-capi ${command} `))
    expect(text).not.toContain('phx_pasted_key')
    expect(text).not.toContain('configuration error')
  })

  it('an unknown command is a usage error listing the commands, without repeating it', async () => {
    const { text, code } = await usageError(['kyes', 'list'])
    expect(code).toBe(2)
    expect(text).toMatch(/^usage error: unknown command\nUsage: pinterest-capi COMMAND \[options\]\n\nCommands:\n/)
    expect(text).not.toContain('kyes')
  })

  it('a configuration problem is still called one', () => {
    expect(report(new ConfigError('inputs.ad_account_id', 'This field is required.'))).toEqual({ text: 'configuration error: inputs.ad_account_id: This field is required.\n', code: 2 })
  })

  it('the process exits 2 for a usage mistake and prints the version', () => {
    const wrong = runCli(['keys', 'frobnicate'])
    expect(wrong.status).toBe(2)
    expect(wrong.stderr).toMatch(/^usage error: unknown keys command; expected one of: list, create, revoke\nUsage: pinterest-capi keys list/)
    const version = runCli(['--version'])
    expect(version.status).toBe(0)
    expect(version.stdout).toBe(`${VERSION}\n`)
  })
})
