import { type MappingResult, pretty, runSummary, STATUS_LABELS, type TestRun } from '../testing'

/** A test run's answer, and whether it was sent to Pinterest. */
export type Run = { sent: boolean; answer: TestRun }

// Reasons are lower-case phrases; one that starts with a field path (`event.properties: …`) keeps its case.
const sentence = (text: string) => (/^[a-z]+ /.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text)

/** What a test run made of the event: each mapping's Pinterest event or reason, the request, and Pinterest's answer. */
export function RunResult({ run }: { run: Run }) {
  const { answer } = run
  const { request, response, results } = answer.result
  return (
    <div class="testing-run">
      <p class={`testing-summary ${answer.status}`} role="status">
        {runSummary(answer)}
      </p>
      <h3>Mappings</h3>
      <ul class="testing-mappings">
        {results.map((result, i) => (
          <MappingCard key={`${i}-${result.mapping}`} result={result} />
        ))}
      </ul>
      {results.length === 0 && <p class="muted">No mapping took this event.</p>}
      {request && (
        <>
          <h3>Request {run.sent ? 'sent' : 'that would go out'}</h3>
          <p class="testing-request-line">
            <span class="badge">{request.method}</span> <span class="testing-url">{request.url}</span>
          </p>
          <dl class="testing-headers">
            {Object.entries(request.headers).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <p class="testing-caption">Body</p>
          <JsonBlock label="Request body" value={request.body} />
        </>
      )}
      {run.sent && <PinterestAnswer response={response} />}
    </div>
  )
}

function MappingCard({ result }: { result: MappingResult }) {
  const name = result.mapping ?? 'The event'
  return (
    <li class={`testing-mapping ${result.status}`}>
      <div class="testing-mapping-head">
        <h4>{name}</h4>
        <span class={`badge ${result.status === 'event' ? 'success' : ''} testing-status-${result.status}`}>{STATUS_LABELS[result.status]}</span>
      </div>
      {result.reason && <p class="testing-reason">{sentence(result.reason)}</p>}
      {result.warnings && result.warnings.length > 0 && (
        <ul class="testing-warnings">
          {result.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      )}
      {result.status === 'event' && <JsonBlock label={`Pinterest event of ${name}`} value={result.event} />}
    </li>
  )
}

function PinterestAnswer({ response }: { response: TestRun['result']['response'] }) {
  if (!response) return <p class="muted">Nothing was sent: no mapping built a Pinterest event.</p>
  if ('error' in response) return <p class="error-message">Pinterest did not answer: {response.error}</p>
  return (
    <>
      <h3>Pinterest's answer</h3>
      <p class="testing-answer-status">
        Status <strong>{response.status}</strong>
      </p>
      <JsonBlock label="Pinterest's answer" value={response.body} />
    </>
  )
}

/** Pretty JSON, as text, in a labelled box that scrolls on its own (focusable, so the keyboard scrolls it too). */
function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box must take the focus to be scrolled by keyboard
    <section class="testing-json" tabIndex={0} aria-label={label}>
      <pre>{pretty(value)}</pre>
    </section>
  )
}
