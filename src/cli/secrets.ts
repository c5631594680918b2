import { existsSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { ConfigError, OperatorError } from '../errors'
import { maskedUrl } from '../store/open-store'
import { isPostgresUrl } from '../store/postgres/database'
import { keyId } from '../store/secret-box'
import { newSecretKey, parseSecretKey, resolveSecretKeys, SECRET_KEY_ENV, writeKeyFile } from '../store/secret-key'
import { openSqliteStore } from '../store/sqlite/database'
import { lockDatabase } from '../store/sqlite/database-lock'
import type { SealReport } from '../store/sql/sealed-secrets'
import { databasePath } from './local-database'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const SECRETS_HELP: CommandHelp = {
  synopsis: ['secrets rotate-key [--db FILE] [--new-key-env NAME]'],
  description: `
Re-encrypts every stored secret with a new key, in one transaction: a new random key in the key file, or, when
PIPELINES_SECRET_KEY is set, the key in the variable NAME. It refuses to run while a server uses the database
(a running server keeps the old key).`,
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
  if (isPostgresUrl(dbPath)) throw new OperatorError(`secrets rotate-key works on a SQLite file; ${maskedUrl(dbPath)} is a Postgres database, whose key every process gets from ${SECRET_KEY_ENV}`)
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
  const newKey = newKeyEnv === undefined ? newSecretKey() : parseSecretKey(env[newKeyEnv] ?? '', newKeyEnv)
  if (keyId(newKey) === keyId(current.keys[0])) throw new ConfigError(newKeyEnv ?? '--new-key-env', 'the new key is the key in use')

  // The current keys must open everything before anything changes (this also seals clear values).
  openSqliteStore(dbPath, { secretKeys: current.keys }).close()
  const keyFile = current.source.kind === 'file' && newKeyEnv === undefined ? current.source.path : undefined
  // The key file holds both keys while the values change: a crash at any point leaves a file that opens
  // them, and the next open seals what is left with the new key.
  if (keyFile) writeKeyFile(keyFile, [newKey, ...current.keys])
  let report: SealReport = { sealed: 0, resealed: 0, total: 0 }
  openSqliteStore(dbPath, { secretKeys: [newKey, ...current.keys], onSecrets: (r) => (report = r) }).close()
  if (keyFile) writeKeyFile(keyFile, [newKey])

  out.write(`re-encrypted ${report.resealed} of ${report.total} stored secret value(s) with key ${keyId(newKey)} (was ${keyId(current.keys[0])})\n`)
  if (keyFile) out.write(`  the key file ${keyFile} now holds the new key only\n`)
  else {
    out.write(`  set ${SECRET_KEY_ENV} to the value of ${newKeyEnv} wherever the server starts: the old key no longer opens the secrets\n`)
    if (current.source.kind === 'file') out.write(`  then delete the old key file ${current.source.path}\n`)
  }
  return 0
}
