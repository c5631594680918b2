import { LEAVE_QUESTION, mayLeave, setLeaveGuard } from '../../src/ui/leave-guard'

afterEach(() => setLeaveGuard(null))

test('with nothing unsaved the page leaves without asking', () => {
  const asked: string[] = []
  expect(
    mayLeave((q) => {
      asked.push(q)
      return false
    }),
  ).toBe(true)
  expect(asked).toEqual([])
})

test('with unsaved changes it asks; a no keeps the page, a yes leaves and stops asking', () => {
  setLeaveGuard(() => true)
  const asked: string[] = []
  const ask = (answer: boolean) => (q: string) => {
    asked.push(q)
    return answer
  }
  expect(mayLeave(ask(false))).toBe(false)
  expect(mayLeave(ask(true))).toBe(true)
  expect(mayLeave(ask(false))).toBe(true)
  expect(asked).toEqual([LEAVE_QUESTION, LEAVE_QUESTION])
})

test('a form that became clean again lets the page leave', () => {
  let dirty = true
  setLeaveGuard(() => dirty)
  dirty = false
  expect(mayLeave(() => false)).toBe(true)
})
