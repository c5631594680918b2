import * as hogvm from '@posthog/hogvm'
import { Op } from '../../src/hog/opcodes'

// The const enum is compiled away in our build, but the package also exports it as an object.
const runtimeOperations = (hogvm as unknown as { Operation: Record<string, number> }).Operation

describe('opcodes', () => {
  it.each(Object.entries(Op))('%s has the number @posthog/hogvm uses', (name, code) => {
    expect(runtimeOperations[name]).toBe(code)
  })
})
