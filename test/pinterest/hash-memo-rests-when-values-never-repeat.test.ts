import { cachedHashUserValue, memoState } from '../../src/pinterest/hash-cache'
import { hashUserValue } from '../../src/pinterest/hash'
import { normaliseEmail } from '../../src/pinterest/normalize'

// Each test uses its own normaliser, so each has a memo of its own.
const fresh = () => (raw: string) => normaliseEmail(raw)

describe('the per-field hash memo', () => {
  it('keeps one entry for a value that comes back, always hashed the same', () => {
    const normalise = fresh()
    const results = Array.from({ length: 10_000 }, () => cachedHashUserValue(' Jane.Doe@Example.com ', normalise))
    expect(new Set(results)).toEqual(new Set(['86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d']))
    expect(memoState(normalise)).toEqual({ entries: 1, resting: 0 })
  })

  it('rests for 16,384 calls after filling with values that never repeat, then memoises again', () => {
    const normalise = fresh()
    for (let i = 0; i < 4096; i++) cachedHashUserValue(`person${i}@example.com`, normalise)
    expect(memoState(normalise)).toEqual({ entries: 4096, resting: 0 })
    cachedHashUserValue('person4096@example.com', normalise)
    expect(memoState(normalise)).toEqual({ entries: 1, resting: 16_384 })
    for (let i = 0; i < 16_384; i++) {
      expect(cachedHashUserValue(`rest${i}@example.com`, normalise)).toBe(hashUserValue(`rest${i}@example.com`, normaliseEmail))
    }
    expect(memoState(normalise)).toEqual({ entries: 1, resting: 0 })
    cachedHashUserValue('again@example.com', normalise)
    expect(memoState(normalise)).toEqual({ entries: 2, resting: 0 })
  })

  it('does not rest when at least a tenth of the lookups hit', () => {
    const normalise = fresh()
    // Every fifth value is the same person: a fifth of lookups hit.
    for (let i = 0; i < 6000; i++) cachedHashUserValue(i % 5 === 0 ? 'regular@example.com' : `new${i}@example.com`, normalise)
    expect(memoState(normalise).resting).toBe(0)
  })

  it('never memoises values longer than 256 characters', () => {
    const normalise = fresh()
    const long = `${'a'.repeat(300)}@example.com`
    expect(cachedHashUserValue(long, normalise)).toBe(hashUserValue(long, normaliseEmail))
    expect(memoState(normalise)).toEqual({ entries: 0, resting: 0 })
  })
})
