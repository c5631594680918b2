import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'
import { ConfigError, OperatorError } from '../errors'
import { ensureFolderOf, PRIVATE_FILE_MODE } from './private-files'
import { KEY_BYTES } from './secret-box'

/**
 * Where the key that encrypts secret inputs comes from: PIPELINES_SECRET_KEY (32 random bytes in base64
 * or hex), else a key file beside the database (`<db>.key`, mode 0600), made at first start.
 */
export const SECRET_KEY_ENV = 'PIPELINES_SECRET_KEY'

export type KeySource = { kind: 'environment'; name: string } | { kind: 'file'; path: string } | { kind: 'ephemeral' }

export interface SecretKeys {
  /** The first key seals new values; the others only open values sealed before a rotation finished. */
  keys: Uint8Array[]
  source: KeySource
}

export function keyFilePath(dbPath: string): string {
  return `${dbPath}.key`
}

export function newSecretKey(): Uint8Array {
  return randomBytes(KEY_BYTES)
}

/** 32 bytes as 64 hex digits or as base64 (either alphabet). `where` names the source in errors, never the value. */
export function parseSecretKey(text: string, where: string): Uint8Array {
  const value = text.trim()
  let key: Buffer | undefined
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex')
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) key = Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url')
  if (key?.length !== KEY_BYTES) {
    throw new ConfigError(where, `expected ${KEY_BYTES} random bytes in base64 or hex (make one with \`openssl rand -base64 32\`); the value given is not that`)
  }
  return key
}

/** The keys for the database at `dbPath`, creating its key file when there is neither one nor the variable. */
export function resolveSecretKeys(dbPath: string, env: NodeJS.ProcessEnv): SecretKeys {
  const fromEnv = env[SECRET_KEY_ENV]
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { keys: [parseSecretKey(fromEnv, SECRET_KEY_ENV)], source: { kind: 'environment', name: SECRET_KEY_ENV } }
  if (dbPath === ':memory:') return { keys: [newSecretKey()], source: { kind: 'ephemeral' } }
  const path = keyFilePath(dbPath)
  return { keys: readOrCreateKeyFile(path), source: { kind: 'file', path } }
}

function readOrCreateKeyFile(path: string): Uint8Array[] {
  ensureFolderOf(path)
  try {
    // 'wx' fails when the file exists: two first starts at once never make two keys.
    writeFileSync(path, formatKeyFile([newSecretKey()]), { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    // A key file copied in with a looser mode is made private, as the database files are.
    chmodSync(path, PRIVATE_FILE_MODE)
  }
  return readKeyFile(path)
}

/** One base64 key per line, the sealing key first. */
export function readKeyFile(path: string): Uint8Array[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
  if (lines.length === 0) throw new ConfigError(path, 'the key file is empty')
  return lines.map((line, i) => parseSecretKey(line, `${path} line ${i + 1}`))
}

function formatKeyFile(keys: readonly Uint8Array[]): string {
  return keys.map((key) => `${Buffer.from(key).toString('base64')}\n`).join('')
}

/** Replaces the key file in one rename, synced, so that a crash leaves the old file or the new one. */
export function writeKeyFile(path: string, keys: readonly Uint8Array[]): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, formatKeyFile(keys), { mode: PRIVATE_FILE_MODE, flag: 'wx' })
  syncPath(temporary)
  renameSync(temporary, path)
  syncPath(dirname(path))
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * The keys of a Postgres database: every process on every machine must seal and open with the same key, so
 * it comes from PIPELINES_SECRET_KEY, never from a file one machine made.
 */
export function sharedSecretKeys(env: NodeJS.ProcessEnv): SecretKeys {
  const fromEnv = env[SECRET_KEY_ENV]
  if (fromEnv === undefined || fromEnv.trim() === '') {
    throw new OperatorError(`a Postgres database needs ${SECRET_KEY_ENV} (the same in every process; make one with \`openssl rand -base64 32\`)`)
  }
  return { keys: [parseSecretKey(fromEnv, SECRET_KEY_ENV)], source: { kind: 'environment', name: SECRET_KEY_ENV } }
}
