import { createHash } from 'node:crypto'
import { hashUserValue, isSha256Hex, sha256Hex } from '../../src/pinterest/hash'
import { normaliseEmail, normalisePhone } from '../../src/pinterest/normalize'

const reference = (s: string): string => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('hex')

describe('sha256Hex', () => {
  it('returns the lowercase hex SHA-256 of the UTF-8 bytes', () => {
    expect(sha256Hex('jane.doe@acme-customer.example')).toBe(reference('jane.doe@acme-customer.example'))
    expect(sha256Hex('münchen')).toBe(reference('münchen'))
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })
})

describe('isSha256Hex', () => {
  it('accepts 64 hex characters in any case', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true)
    expect(isSha256Hex(reference('x').toUpperCase())).toBe(true)
  })

  it('rejects other lengths and non-hex characters', () => {
    expect(isSha256Hex('a'.repeat(63))).toBe(false)
    expect(isSha256Hex('a'.repeat(65))).toBe(false)
    expect(isSha256Hex('g'.repeat(64))).toBe(false)
    expect(isSha256Hex(` ${'a'.repeat(64)}`)).toBe(false)
  })
})

describe('hashUserValue', () => {
  it('normalises before hashing', () => {
    expect(hashUserValue('  Jane.Doe@Acme-Customer.example ', normaliseEmail)).toBe(reference('jane.doe@acme-customer.example'))
    expect(hashUserValue('+1 (503) 555-0142', normalisePhone)).toBe(reference('15035550142'))
  })

  it('passes an existing digest through lowercased instead of hashing it again', () => {
    const digest = reference('jane.doe@acme-customer.example')
    expect(hashUserValue(digest.toUpperCase(), normaliseEmail)).toBe(digest)
    expect(hashUserValue(`  ${digest}  `, normalisePhone)).toBe(digest)
  })

  it('returns null when the normaliser finds nothing usable', () => {
    expect(hashUserValue('not an email', normaliseEmail)).toBeNull()
    expect(hashUserValue('()--', normalisePhone)).toBeNull()
  })
})
