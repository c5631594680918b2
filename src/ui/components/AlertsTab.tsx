import { useEffect, useState } from 'preact/hooks'
import { type AlertDraft, type AlertSettings, draftOf, episodeText, FIELD_OF_ATTR, KIND_LABELS, type TestAnswer, toPayload } from '../alerts'
import { type ApiClient, ApiError } from '../api'
import type { Notify } from './Toast'

type Errors = Record<string, string>

/** A destination's alerts: the webhook (write-only), the three conditions with their thresholds, a test message, and the recent episodes. */
export function AlertsTab({ client, functionId, notify }: { client: ApiClient; functionId: string; notify: Notify }) {
  const [settings, setSettings] = useState<AlertSettings | null>(null)
  const [draft, setDraft] = useState<AlertDraft | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [errors, setErrors] = useState<Errors>({})
  const [general, setGeneral] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const [testing, setTesting] = useState(false)
  const [tested, setTested] = useState<TestAnswer | null>(null)
  const path = (rest = '') => client.project(`hog_functions/${encodeURIComponent(functionId)}/alerts/${rest}`)

  const show = (next: AlertSettings) => {
    setSettings(next)
    setDraft(draftOf(next))
  }

  useEffect(() => {
    client.request<AlertSettings>('GET', path()).then(show, (failure: Error) => setLoadError(failure.message))
  }, [client, functionId])

  if (loadError)
    return (
      <p class="error-message" role="alert">
        The alerts could not be loaded: {loadError}
      </p>
    )
  if (!settings || !draft) return <p class="muted">Loading…</p>

  const change = (next: Partial<AlertDraft>, field?: string) => {
    setDraft({ ...draft, ...next })
    if (field && errors[field]) setErrors(({ [field]: _, ...rest }) => rest)
  }

  const save = async (event: Event) => {
    event.preventDefault()
    setSaving(true)
    setGeneral(null)
    try {
      show(await client.request<AlertSettings>('PUT', path(), toPayload(draft)))
      setErrors({})
      notify('Alert settings saved.')
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 400) {
        const placed: Errors = {}
        for (const problem of failure.problems) {
          const field = problem.attr === null ? undefined : FIELD_OF_ATTR[problem.attr]
          if (field) placed[field] ??= problem.detail
          else setGeneral(problem.detail)
        }
        setErrors(placed)
        const first = Object.keys(placed)[0]
        if (first) document.getElementById(first)?.focus()
      } else setGeneral((failure as Error).message)
    } finally {
      setSaving(false)
    }
  }

  const sendTest = async () => {
    setTesting(true)
    setTested(null)
    try {
      setTested(await client.request<TestAnswer>('POST', path('test/')))
    } catch (failure) {
      setTested({ ok: false, status: null, detail: (failure as Error).message })
    } finally {
      setTesting(false)
    }
  }

  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p class="description">A message to a webhook (Slack-compatible) once when a condition starts and once when it clears. Messages never hold a token or the webhook URL.</p>
      <form class="card form-card" onSubmit={save} noValidate aria-labelledby="alerts-title">
        {general && (
          <p class="error-message" role="alert">
            {general}
          </p>
        )}
        <Switch id="alerts-enabled" label="Send alerts" checked={draft.enabled} onChange={(enabled) => change({ enabled }, 'alerts-enabled')} error={errors['alerts-enabled']} />
        <WebhookField draft={draft} error={errors['alert-webhook']} onChange={(webhookUrl) => change({ webhookUrl }, 'alert-webhook')} />
        <fieldset class="alert-condition">
          <legend>Failure share</legend>
          <Switch id="alert-failure-enabled" label="Alert when too many deliveries fail" checked={draft.failureEnabled} onChange={(failureEnabled) => change({ failureEnabled })} />
          <NumberField
            id="alert-failure-percent"
            label="Share of the last hour's events that failed (%)"
            hint="1 to 100; counted once at least 20 events were delivered or failed in the hour."
            value={draft.percent}
            error={errors['alert-failure-percent']}
            onChange={(percent) => change({ percent }, 'alert-failure-percent')}
          />
        </fieldset>
        <fieldset class="alert-condition">
          <legend>No deliveries</legend>
          <Switch
            id="alert-no-deliveries-enabled"
            label="Alert when events wait and nothing is delivered"
            checked={draft.noDeliveriesEnabled}
            onChange={(noDeliveriesEnabled) => change({ noDeliveriesEnabled })}
          />
          <NumberField
            id="alert-no-deliveries-minutes"
            label="Minutes without a delivery"
            hint="5 to 10080 (7 days)."
            value={draft.minutes}
            error={errors['alert-no-deliveries-minutes']}
            onChange={(minutes) => change({ minutes }, 'alert-no-deliveries-minutes')}
          />
        </fieldset>
        <fieldset class="alert-condition">
          <legend>Degraded</legend>
          <Switch
            id="alert-degraded-enabled"
            label="Alert while Pinterest refuses the credentials (deliveries held)"
            checked={draft.degradedEnabled}
            onChange={(degradedEnabled) => change({ degradedEnabled })}
          />
        </fieldset>
        <div class="alert-actions">
          <button type="submit" class="button primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save alerts'}
          </button>
          <button type="button" class="button" disabled={testing || !settings.webhook_url_set} onClick={sendTest} aria-describedby="alert-test-result">
            {testing ? 'Sending…' : 'Send test alert'}
          </button>
        </div>
        <p id="alert-test-result" class={tested && !tested.ok ? 'error-message' : 'muted'} role="status">
          {tested
            ? `${tested.ok ? 'Sent' : 'Not sent'}${tested.status === null ? '' : ` (the webhook answered ${tested.status})`}: ${tested.detail}`
            : settings.webhook_url_set
              ? ''
              : 'Save a webhook URL to send a test alert.'}
        </p>
      </form>
      <Episodes settings={settings} />
    </section>
  )
}

function Switch({ id, label, checked, onChange, error }: { id: string; label: string; checked: boolean; onChange: (checked: boolean) => void; error?: string }) {
  return (
    <div class="field switch-field">
      <input
        id={id}
        type="checkbox"
        role="switch"
        class="switch"
        checked={checked}
        aria-checked={checked}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </div>
  )
}

function NumberField({ id, label, hint, value, error, onChange }: { id: string; label: string; hint: string; value: string; error?: string; onChange: (value: string) => void }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        class="alert-number"
        value={value}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      <p id={`${id}-hint`} class="description">
        {hint}
      </p>
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </div>
  )
}

/** Write-only: a saved URL shows as "Set" with Replace; a new one is typed as a password is. */
function WebhookField({ draft, error, onChange }: { draft: AlertDraft; error?: string; onChange: (url: string | null) => void }) {
  const id = 'alert-webhook'
  return (
    <div class="field">
      <label id={`${id}-label`} for={id}>
        Webhook URL
      </label>
      {draft.webhookUrl === null ? (
        <div class="secret-set">
          <span class="badge success" id={`${id}-state`}>
            Set
          </span>
          <span class="muted small">Saved on the server; it is never shown again.</span>
          <button
            id={`${id}-replace`}
            type="button"
            class="button small"
            aria-describedby={`${id}-state ${id}-label`}
            onClick={() => {
              onChange('')
              setTimeout(() => document.getElementById(id)?.focus())
            }}
          >
            Replace
          </button>
        </div>
      ) : (
        <input
          id={id}
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="https://hooks.slack.com/services/…"
          value={draft.webhookUrl}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      <p id={`${id}-hint`} class="description">
        An http:// or https:// address that takes a JSON body {'{"text": "…"}'}, such as a Slack incoming webhook.
      </p>
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </div>
  )
}

function Episodes({ settings }: { settings: AlertSettings }) {
  return (
    <section class="card alert-episodes" aria-labelledby="alert-episodes-title">
      <h3 id="alert-episodes-title">Recent alerts</h3>
      {settings.episodes.length === 0 ? (
        <p class="muted">No alert so far.</p>
      ) : (
        <ul class="alert-episode-list">
          {settings.episodes.map((episode) => (
            <li key={episode.id} class="alert-episode" data-testid="alert-episode">
              <span class={episode.state === 'open' ? 'badge alert-open' : 'badge success'}>{episode.state === 'open' ? 'Open' : 'Cleared'}</span>
              <strong>{KIND_LABELS[episode.kind]}</strong>
              <span class="alert-episode-detail">{episode.detail}</span>
              <span class="muted small">{episodeText(episode)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
