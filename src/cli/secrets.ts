import { existsSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
import { keyId } from '../store/secret-box'
import { newSecretKey, parseSecretKey, resolveSecretKeys, SECRET_KEY_ENV, writeKeyFile } from '../store/secret-key'
import { openSqliteStore } from '../store/sqlite/database'
import type { SealReport } from '../store/sqlite/functions'
import { DEFAULT_DB } from './serve'

/**
 * `pinterest-capi secrets rotate-key [--db FILE] [--new-key-env NAME]`: every stored secret sealed again
 * with a new key, in one transaction. Run it with the server stopped: a running server keeps the old key.
 */
export async function secretsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { db: { type: 'string' }, 'new-key-env': { type: 'string' } }, allowPositionals: true, strict: true })
  if (positionals.length !== 1 || positionals[0] !== 'rotate-key') throw new ConfigError('secrets', "expected 'rotate-key'")
  const dbPath = values.db ?? env.PIPELINES_DB ?? DEFAULT_DB
  if (!existsSync(dbPath)) throw new ConfigError('--db', 'no database at this path')
  const current = resolveSecretKeys(dbPath, env)
  const newKeyEnv = values['new-key-env']
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
