import { saveButton } from '../../src/ui/form-model'

test('a new destination is created, and enabled when the switch is on', () => {
  expect(saveButton(true, true, false, false)).toEqual({ label: 'Create & enable', disabled: false })
  expect(saveButton(true, false, true, false)).toEqual({ label: 'Create', disabled: false })
})

test('an existing destination saves changes, or says there are none', () => {
  expect(saveButton(false, true, true, false)).toEqual({ label: 'Save changes', disabled: false })
  expect(saveButton(false, true, false, false)).toEqual({ label: 'No changes', disabled: true })
})

test('while saving the button is disabled', () => {
  expect(saveButton(true, true, true, true)).toEqual({ label: 'Creating…', disabled: true })
  expect(saveButton(false, true, true, true)).toEqual({ label: 'Saving…', disabled: true })
})
