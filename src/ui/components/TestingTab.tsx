import { useEffect, useState } from 'preact/hooks'
import { type ApiClient, ApiError } from '../api'
import { SAMPLES, type Sample, sampleGlobals } from '../sample-events'
import { type CapturedEvent, capturedEventText, newUuid, newest, pretty, readEventText, shortList, type TestRun, triggerEvents } from '../testing'
import { type Run, RunResult } from './TestRunResult'

type Props = { client: ApiClient; functionId: string; configuration: () => Record<string, unknown> }

const EVENT_FIELD = 'test-event'
const DRAFT_NOT_JSON = 'A JSON field of this destination holds text that is not valid JSON.'
const sampleText = (sample: Sample) => pretty(sampleGlobals(sample, new Date().toISOString(), newUuid()))

/** The destination's Testing tab: an event (a sample, the latest captured one, or pasted) through the current draft. */
export function TestingTab({ client, functionId, configuration }: Props) {
  const [text, setText] = useState(() => sampleText(SAMPLES[0]))
  const [fieldError, setFieldError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [savedMappings, setSavedMappings] = useState<unknown>(null)
  const [busy, setBusy] = useState<'test' | 'send' | 'load' | null>(null)
  const [run, setRun] = useState<Run | null>(null)
  const [problems, setProblems] = useState<string[]>([])

  useEffect(() => {
    client.request<{ mappings?: unknown }>('GET', client.project(`hog_functions/${encodeURIComponent(functionId)}/`)).then(
      (fn) => setSavedMappings(fn.mappings ?? []),
      (error: Error) => {
        setSavedMappings([])
        setNotice(`The destination's mappings could not be read: ${error.message}`)
      },
    )
  }, [client, functionId])

  const showEvent = (next: string, message: string | null) => {
    setText(next)
    setFieldError(null)
    setNotice(message)
  }

  // The draft cannot be read while one of its JSON fields holds text that is not JSON.
  const readDraft = (): Record<string, unknown> | null => {
    try {
      return configuration()
    } catch {
      return null
    }
  }

  const loadLatest = async () => {
    const draft = readDraft()?.mappings
    const { all, names } = triggerEvents(Array.isArray(draft) ? draft : savedMappings)
    if (!all && names.length === 0) return setNotice('No mapping of this destination is switched on, so none would take an event.')
    setBusy('load')
    try {
      const paths = all ? ['events/?limit=1'] : names.map((name) => `events/?limit=1&event=${encodeURIComponent(name)}`)
      const lists = await Promise.all(paths.map((path) => client.request<{ results: CapturedEvent[] }>('GET', client.project(path))))
      const latest = newest(lists.flatMap((list) => list.results))
      if (latest) showEvent(capturedEventText(latest), `Loaded the latest captured “${latest.event}” event (${latest.timestamp}). A test runs it with its person as stored.`)
      else setNotice(`No event that a mapping takes has been captured yet${all ? '' : ` (they take ${shortList(names)})`}. Capture one, or start from a sample.`)
    } catch (error) {
      setNotice(`The captured events could not be read: ${(error as Error).message}`)
    } finally {
      setBusy(null)
    }
  }

  const invoke = async (send: boolean) => {
    const read = readEventText(text)
    if (!read.ok) {
      setFieldError(read.error)
      document.getElementById(EVENT_FIELD)?.focus()
      return
    }
    setFieldError(null)
    const draft = readDraft()
    if (!draft) {
      setRun(null)
      setProblems([DRAFT_NOT_JSON])
      return
    }
    setBusy(send ? 'send' : 'test')
    setProblems([])
    try {
      const body = { configuration: draft, ...read.body, mock_async_functions: !send }
      const answer = await client.request<TestRun>('POST', client.project(`hog_functions/${encodeURIComponent(functionId)}/invocations/`), body)
      setRun({ sent: send, answer })
    } catch (error) {
      setRun(null)
      setProblems(error instanceof ApiError ? error.problems.map((p) => (p.attr ? `${p.attr}: ${p.detail}` : p.detail)) : [(error as Error).message])
    } finally {
      setBusy(null)
    }
  }

  const describedBy = ['test-event-description', fieldError ? 'test-event-error' : ''].filter(Boolean).join(' ')
  return (
    <div class="testing">
      <section class="card testing-event" aria-labelledby="testing-event-title">
        <h2 id="testing-event-title">Event to test</h2>
        <fieldset class="testing-starts">
          <legend>Start from a sample</legend>
          {SAMPLES.map((sample) => (
            <button key={sample.id} type="button" class="button small" data-sample={sample.id} onClick={() => showEvent(sampleText(sample), `The ${sample.label} sample (${sample.event}).`)}>
              {sample.label}
              <span class="visually-hidden">{` sample (${sample.event})`}</span>
            </button>
          ))}
        </fieldset>
        <button type="button" class="button small" disabled={busy === 'load' || savedMappings === null} onClick={loadLatest}>
          {busy === 'load' ? 'Loading…' : 'Load the latest captured event'}
        </button>
        <p class="testing-notice" role="status">
          {notice}
        </p>
        <div class="field">
          <label for={EVENT_FIELD}>Event (JSON)</label>
          <p id="test-event-description" class="description">
            Paste an event here or edit this one: invocation globals (<code>{'{"event": {…}, "person": {…}}'}</code>) or a captured event (
            <code>{'{"event": "Order Completed", "distinct_id": …}'}</code>).
          </p>
          <textarea
            id={EVENT_FIELD}
            rows={18}
            spellcheck={false}
            value={text}
            aria-invalid={fieldError ? 'true' : undefined}
            aria-describedby={describedBy}
            onInput={(e) => {
              setText(e.currentTarget.value)
              if (fieldError) setFieldError(null)
            }}
          />
          {fieldError && (
            <p id="test-event-error" class="error-message">
              {fieldError}
            </p>
          )}
        </div>
        <div class="testing-actions">
          <button type="button" class="button primary" disabled={busy !== null} onClick={() => invoke(false)} aria-describedby="test-help">
            {busy === 'test' ? 'Testing…' : 'Test'}
          </button>
          <button type="button" class="button" disabled={busy !== null} onClick={() => invoke(true)} aria-describedby="send-help">
            {busy === 'send' ? 'Sending…' : 'Send test event'}
          </button>
        </div>
        <p id="test-help" class="description">
          Test runs the event through this destination as it stands on this page, unsaved changes included. Nothing is sent.
        </p>
        <p id="send-help" class="description">
          Send test event sends it to Pinterest with the test flag: Pinterest checks it and answers, and records nothing.
        </p>
      </section>
      <section class="card testing-result" aria-labelledby="testing-result-title" aria-busy={busy === 'test' || busy === 'send'}>
        <h2 id="testing-result-title">Result</h2>
        {problems.length > 0 && (
          <div class="error-box" role="alert">
            <p>The test could not run. Fix these on the Configuration or Mappings tab:</p>
            <ul>
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        )}
        {run ? <RunResult run={run} /> : problems.length === 0 && <p class="muted">Press Test to see what this destination makes of the event.</p>}
      </section>
    </div>
  )
}
