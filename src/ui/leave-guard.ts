/**
 * The one place that decides whether the page may leave the current screen: the form registers a check
 * while it has unsaved changes, and both hash navigation and closing the tab ask it.
 */
let hasUnsavedChanges: (() => boolean) | null = null

export const LEAVE_QUESTION = 'You have unsaved changes. Leave without saving them?'

export function setLeaveGuard(check: (() => boolean) | null): void {
  hasUnsavedChanges = check
}

/** True when the page may leave: nothing unsaved, or the user agreed (`ask` shows the question). */
export function mayLeave(ask: (question: string) => boolean): boolean {
  if (!hasUnsavedChanges?.()) return true
  if (!ask(LEAVE_QUESTION)) return false
  hasUnsavedChanges = null
  return true
}
