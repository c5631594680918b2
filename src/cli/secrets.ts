import { existsSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { ConfigError, OperatorError } from '../errors'
import { maskedUrl, reachingPostgres } from '../store/open-store'
import { isPostgresUrl, resealPostgresSecrets } from '../store/postgres/database'
import { keyId } from '../store/secret-box'
import { newSecretKey, parseSecretKey, resolveSecretKeys, SECRET_KEY_ENV, sharedSecretKeys, writeKeyFile } from '../store/secret-key'
import { openSqliteStore } from '../store/sqlite/database'
import { lockDatabase } from '../store/sqlite/database-lock'
import type { SealReport } from '../store/sql/sealed-secrets'
import { databasePath } from './local-database'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const SECRETS_HELP: CommandHelp = {
  synopsis: ['secrets rotate-key [--db FILE|URL] [--new-key-env NAME]'],
  description: `
Re-encrypts every stored secret with a new key, in one transaction: a new random key in the key file, or, when
PIPELINES_SECRET_KEY is set (always on Postgres), the key in the variable NAME. It refuses to run while a server
uses the database (a running server keeps the old key).`,
}

/**
 * `pinterest-capi secrets rotate-key [--db FILE] [--new-key-env NAME]`: every stored secret sealed again
 * with a new key, in one transaction. Run it with the server stopped: a running server keeps the old key.
 */
export async function secretsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand('secrets', args, { db: { type: 'string' }, 'new-key-env': { type: 'string' } }, true)
  subcommand('secrets', positionals, ['rotate-key'] as const)
  if (positionals.length > 1) throw new UsageError('secrets', 'secrets rotate-key takes options only')
  const dbPath = databasePath(values.db, env)
  if (isPostgresUrl(dbPath)) return rotatePostgres(dbPath, values['new-key-env'], out, env)
  if (!existsSync(dbPath)) throw new OperatorError(`no database at ${dbPath} (give --db FILE or set PIPELINES_DB)`)
  // Held like a server holds it: no server may start (or run) with the old key meanwhile.
  const lock = lockDatabase(dbPath)
  try {
    return rotate(dbPath, values['new-key-env'], out, env)
  } finally {
    lock.release()
  }
}

function rotate(dbPath: string, newKeyEnv: string | undefined, out: Writable, env: NodeJS.ProcessEnv): number {
  const current = resolveSecretKeys(dbPath, env)
  if (current.source.kind === 'environment' && newKeyEnv === undefined) {
    throw new ConfigError('--new-key-env', `${SECRET_KEY_ENV} is set: put the new key in another variable and name it with --new-key-env NAME`)
  }
  const newKey = newKeyEnv === undefined ? newSecretKey() : keyFromEnv(newKeyEnv, current.keys, env)

  // The current keys must open everything before anything changes (this also seals clear values).
  openSqliteStore(dbPath, { secretKeys: current.keys }).close()
  const keyFile = current.source.kind === 'file' && newKeyEnv === undefined ? current.source.path : undefined
  // The key file holds both keys while the values change: a crash at any point leaves a file that opens
  // them, and the next open seals what is left with the new key.
  if (keyFile) writeKeyFile(keyFile, [newKey, ...current.keys])
  let report: SealReport = { sealed: 0, resealed: 0, total: 0 }
  openSqliteStore(dbPath, { secretKeys: [newKey, ...current.keys], onSecrets: (r) => (report = r) }).close()
  if (keyFile) writeKeyFile(keyFile, [newKey])

  out.write(reportLine(report, newKey, current.keys))
  if (keyFile) out.write(`  the key file ${keyFile} now holds the new key only\n`)
  else {
    out.write(`  set ${SECRET_KEY_ENV} to the value of ${newKeyEnv} wherever the server starts: the old key no longer opens the secrets\n`)
    if (current.source.kind === 'file') out.write(`  then delete the old key file ${current.source.path}\n`)
  }
  return 0
}

/** The new key, from the variable `name`: never the key in use. */
function keyFromEnv(name: string, current: readonly Uint8Array[], env: NodeJS.ProcessEnv): Uint8Array {
  const key = parseSecretKey(env[name] ?? '', name)
  if (keyId(key) === keyId(current[0])) throw new ConfigError(name, 'the new key is the key in use')
  return key
}

const reportLine = (report: SealReport, newKey: Uint8Array, current: readonly Uint8Array[]) =>
  `re-encrypted ${report.resealed} of ${report.total} stored secret value(s) with key ${keyId(newKey)} (was ${keyId(current[0])})\n`

/**
 * On Postgres every process takes the key from PIPELINES_SECRET_KEY, so the new one comes from another
 * variable, and the processes are started with it afterwards.
 */
function rotatePostgres(url: string, newKeyEnv: string | undefined, out: Writable, env: NodeJS.ProcessEnv): number {
  const current = sharedSecretKeys(env)
  if (newKeyEnv === undefined)
    throw new ConfigError('--new-key-env', `on Postgres every process takes the key from ${SECRET_KEY_ENV}: put the new key in another variable and name it with --new-key-env NAME`)
  const newKey = keyFromEnv(newKeyEnv, current.keys, env)
  const report = reachingPostgres(url, () => resealPostgresSecrets(url, [newKey, ...current.keys]))
  out.write(reportLine(report, newKey, current.keys))
  out.write(`  set ${SECRET_KEY_ENV} to the value of ${newKeyEnv} in every process that uses ${maskedUrl(url)}: the old key no longer opens the secrets\n`)
  return 0
}
