import { useState } from 'preact/hooks'
import { type ApiClient, ApiError } from '../api'
import { BACKFILL_MAX_MS, type BackfillField, backfillBody, backfillFieldOf, type Job, localMinute, startProblem } from '../deliveries'
import { DAY_MS } from '../periods'

const MINUTE_MS = 60_000

const FIELDS: { field: BackfillField; id: string; label: string }[] = [
  { field: 'after', id: 'backfill-from', label: 'From' },
  { field: 'before', id: 'backfill-to', label: 'To' },
]

/** Sends the project's stored events of a range (at most Pinterest's 7 days back) through this destination. */
export function BackfillForm({ client, functionId, onStarted }: { client: ApiClient; functionId: string; onStarted: (job: Job) => void }) {
  // The last 24 hours; To is the next whole minute, so that events of the current minute are in the range.
  const [values, setValues] = useState<Record<BackfillField, string>>(() => ({ after: localMinute(Date.now() - DAY_MS), before: localMinute(Date.now() + MINUTE_MS) }))
  const [errors, setErrors] = useState<Partial<Record<BackfillField, string>>>({})
  const [general, setGeneral] = useState<string | null>(null)
  const [sending, setSending] = useState(false)

  const submit = async (event: Event) => {
    event.preventDefault()
    setGeneral(null)
    const body = backfillBody(values.after, values.before)
    if ('error' in body) {
      setErrors({ [body.field]: body.error })
      document.getElementById(FIELDS.find((f) => f.field === body.field)?.id ?? '')?.focus()
      return
    }
    setErrors({})
    setSending(true)
    try {
      onStarted(await client.request<Job>('POST', client.project(`hog_functions/${encodeURIComponent(functionId)}/backfills/`), body))
    } catch (failure) {
      const field = failure instanceof ApiError ? backfillFieldOf(failure.attr) : null
      if (field && failure instanceof ApiError && failure.status === 400) {
        setErrors({ [field]: failure.message })
        document.getElementById(FIELDS.find((f) => f.field === field)?.id ?? '')?.focus()
      } else setGeneral(startProblem(failure))
    } finally {
      setSending(false)
    }
  }

  return (
    <details class="backfill">
      <summary>Backfill stored events</summary>
      <p class="muted" id="backfill-help">
        Sends this project's stored events received in the range through this destination's mappings as they are now, up to {BACKFILL_MAX_MS / DAY_MS} days back (Pinterest's window). Each event keeps
        its own event_id, so Pinterest deduplicates the events it already has.
      </p>
      <form class="toolbar backfill-form" noValidate onSubmit={submit} aria-label="Backfill" aria-describedby="backfill-help">
        {FIELDS.map(({ field, id, label }) => (
          <div key={field} class="field inline" data-field={field}>
            <label for={id}>{label}</label>
            <input
              id={id}
              type="datetime-local"
              value={values[field]}
              aria-invalid={errors[field] ? 'true' : undefined}
              aria-describedby={errors[field] ? `${id}-error` : undefined}
              onChange={(e) => {
                setValues({ ...values, [field]: e.currentTarget.value })
                setErrors(({ [field]: _, ...rest }) => rest)
              }}
            />
            {errors[field] && (
              <p id={`${id}-error`} class="error-message">
                {errors[field]}
              </p>
            )}
          </div>
        ))}
        <button type="submit" class="button primary" disabled={sending}>
          {sending ? 'Starting…' : 'Start backfill'}
        </button>
        {general && (
          <p class="error-message" role="alert">
            {general}
          </p>
        )}
      </form>
    </details>
  )
}
