import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { authorOf, type ChangeShown, type FunctionVersion, isLong, showChange, type VersionPage } from '../history'
import type { Notify } from './Toast'

const PAGE_SIZE = 20
const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`

/** The function's versions, newest first, each with its field-by-field changes and (but the newest) a revert. */
export function HistoryTab({ client, functionId, notify, dirty, onReverted }: { client: ApiClient; functionId: string; notify: Notify; dirty: boolean; onReverted: () => void }) {
  const [versions, setVersions] = useState<FunctionVersion[]>([])
  const [pages, setPages] = useState(1)
  const [more, setMore] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [reloads, setReloads] = useState(0)
  const [reverting, setReverting] = useState<string | null>(null)

  useEffect(() => {
    let current = true
    setLoading(true)
    const path = (page: number) => client.project(`hog_functions/${encodeURIComponent(functionId)}/activity/?limit=${PAGE_SIZE}&page=${page}`)
    Promise.all(Array.from({ length: pages }, (_, i) => client.request<VersionPage>('GET', path(i + 1)))).then(
      (answers) => {
        if (!current) return
        setVersions(answers.flatMap((a) => a.results))
        setMore(answers[answers.length - 1]?.next !== null)
        setError(null)
        setLoading(false)
      },
      (failure: Error) => {
        if (!current) return
        setError(failure.message)
        setLoading(false)
      },
    )
    return () => {
      current = false
    }
  }, [client, functionId, pages, reloads])

  const revert = async (version: FunctionVersion) => {
    const warning = dirty ? ' Your unsaved changes on this destination will be discarded.' : ''
    if (!window.confirm(`Revert to version ${version.version}? It is saved again as a new version.${warning}`)) return
    setReverting(version.id)
    try {
      await client.request('POST', client.project(`hog_functions/${encodeURIComponent(functionId)}/activity/${encodeURIComponent(version.id)}/revert/`))
      notify(`Reverted to version ${version.version}.`)
      setReloads((n) => n + 1)
      onReverted()
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setReverting(null)
    }
  }

  const newest = versions[0]?.id
  return (
    <section class="card history" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {dirty && <p class="muted">You have unsaved changes: reverting discards them.</p>}
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
      <ol class="history-list" aria-label="Versions, newest first">
        {versions.map((version) => (
          <li key={version.id} class="history-version" data-testid="history-version">
            <div class="history-head">
              <h3>Version {version.version}</h3>
              <span class="badge">{version.activity}</span>
              <span class="muted">
                <time dateTime={version.created_at}>{when(version.created_at)}</time> by {authorOf(version)}
              </span>
              {version.id !== newest && (
                <button type="button" class="button small" disabled={reverting !== null} onClick={() => revert(version)}>
                  Revert to this version<span class="visually-hidden"> (version {version.version})</span>
                </button>
              )}
            </div>
            <ChangeList changes={version.detail.changes ?? []} />
          </li>
        ))}
      </ol>
      {loading && <p class="muted">Loading…</p>}
      {!loading && versions.length === 0 && !error && <p class="muted">No versions yet.</p>}
      {more && !loading && (
        <button type="button" class="button ghost" onClick={() => setPages((n) => n + 1)}>
          Older versions
        </button>
      )}
    </section>
  )
}

function ChangeList({ changes }: { changes: FunctionVersion['detail']['changes'] & object }) {
  if (changes.length === 0) return <p class="muted">No field changed.</p>
  return (
    <dl class="history-changes">
      {changes.map(showChange).map((shown) => (
        <div key={shown.field} class="history-change" data-testid="history-change">
          <dt>{shown.field}</dt>
          {shown.secret ? (
            <dd>changed</dd>
          ) : isLong(shown) ? (
            <dd>
              <details>
                <summary>Show the change</summary>
                <Diff shown={shown} />
              </details>
            </dd>
          ) : (
            <dd>
              <Diff shown={shown} />
            </dd>
          )}
        </div>
      ))}
    </dl>
  )
}

function Diff({ shown }: { shown: ChangeShown & { secret: false } }) {
  return (
    <div class="history-diff">
      <span class="visually-hidden">before:</span>
      <pre class="history-before">{shown.before}</pre>
      <span aria-hidden="true">→</span>
      <span class="visually-hidden">after:</span>
      <pre class="history-after">{shown.after}</pre>
    </div>
  )
}
