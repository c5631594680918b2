import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/**
 * Authenticated encryption of secret input values at rest (AES-256-GCM, a random 96-bit IV per value).
 * A sealed value reads `enc:v1:<key id>:<iv>:<tag>:<ciphertext>`, each part base64url: the key id says
 * which key sealed it, so that a wrong key is named as such and a rotation can tell old values from new.
 */

export const KEY_BYTES = 32
const IV_BYTES = 12
const PREFIX = 'enc:v1:'

/** The stored secrets cannot be read with the keys given (wrong key, missing key, or tampered data). */
export class SecretKeyError extends Error {
  constructor(detail: string) {
    super(`the secret key does not decrypt the stored secrets: ${detail}`)
    this.name = 'SecretKeyError'
  }
}

/** A short public name of a key: a hash prefix, which tells keys apart without revealing them. */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update('pipelines secret key id\0').update(key).digest().subarray(0, 6).toString('base64url')
}

export function isSealed(value: string): boolean {
  return value.startsWith('enc:')
}

export class SecretBox {
  private readonly keys: Map<string, Buffer>
  /** The id of the key new values are sealed with. */
  readonly currentId: string

  /** `keys[0]` seals; every key opens what it sealed (the others are kept while a rotation finishes). */
  constructor(keys: readonly Uint8Array[]) {
    if (keys.length === 0) throw new Error('a SecretBox needs a key')
    for (const key of keys) if (key.length !== KEY_BYTES) throw new Error(`a secret key is ${KEY_BYTES} bytes`)
    this.keys = new Map(keys.map((key) => [keyId(key), Buffer.from(key)]))
    this.currentId = keyId(keys[0])
  }

  /** A box with a random key that lives as long as the process: for `:memory:` stores. */
  static ephemeral(): SecretBox {
    return new SecretBox([randomBytes(KEY_BYTES)])
  }

  /** `context` (e.g. the function id and input name) is authenticated: a sealed value moved elsewhere does not open. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId) as Buffer, iv)
    cipher.setAAD(Buffer.from(context))
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return `${PREFIX}${[this.currentId, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join(':')}`
  }

  /** The id of the key that sealed `sealed`; throws SecretKeyError when the format is unknown. */
  sealedWith(sealed: string): string {
    return parse(sealed).id
  }

  open(sealed: string, context: string): string {
    const { id, iv, tag, ciphertext } = parse(sealed)
    const key = this.keys.get(id)
    if (!key) throw new SecretKeyError(`a value was encrypted with key ${id}, and the key given is ${this.currentId}`)
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAAD(Buffer.from(context))
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
    } catch {
      throw new SecretKeyError(`a value encrypted with key ${id} fails authentication (altered, or moved from another row)`)
    }
  }
}

function parse(sealed: string): { id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = sealed.startsWith(PREFIX) ? sealed.slice(PREFIX.length).split(':') : []
  const [id, iv, tag, ciphertext] = parts
  const b64 = /^[A-Za-z0-9_-]*$/
  if (parts.length !== 4 || !parts.every((p) => b64.test(p))) throw new SecretKeyError('a stored value is not in the enc:v1 format')
  const decoded = { id, iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), ciphertext: Buffer.from(ciphertext, 'base64url') }
  if (decoded.iv.length !== IV_BYTES || decoded.tag.length !== 16) throw new SecretKeyError('a stored value is not in the enc:v1 format')
  return decoded
}
