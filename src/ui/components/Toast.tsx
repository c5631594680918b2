import { useEffect } from 'preact/hooks'

export interface ToastMessage {
  id: number
  text: string
  action?: { label: string; run: () => void }
}

/** Shows a toast: what the screens are given to tell the user what happened. */
export type Notify = (text: string, action?: ToastMessage['action']) => void

/** A short message at the bottom of the screen, with at most one action (such as Undo), gone after `ms`. */
export function Toast({ toast, onClose, ms = 6000 }: { toast: ToastMessage | null; onClose: () => void; ms?: number }) {
  useEffect(() => {
    if (!toast) return
    const timer = setTimeout(onClose, ms)
    return () => clearTimeout(timer)
  }, [toast, onClose, ms])
  return (
    <div class="toast-region" role="status" aria-live="polite">
      {toast && (
        <div class="toast">
          <span>{toast.text}</span>
          {toast.action && (
            <button
              type="button"
              class="button small"
              onClick={() => {
                toast.action?.run()
                onClose()
              }}
            >
              {toast.action.label}
            </button>
          )}
          <button type="button" class="button small ghost" aria-label="Dismiss" onClick={onClose}>
            ×
          </button>
        </div>
      )}
    </div>
  )
}
