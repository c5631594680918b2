import { useCallback, useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { type Destination, timeAgo, visibleDestinations } from '../destinations'
import { heldCountText, heldOf } from '../function-status'
import { countsOf, type DestinationCounts, type MetricsSeries, sum } from '../metrics'
import { listScoreText, type QualityScore } from '../quality'
import { RowMenu } from './RowMenu'
import type { Notify } from './Toast'
import { Sparkline } from './Sparkline'

interface Page<T> {
  results: T[]
}

function Counts({ counts }: { counts: DestinationCounts | undefined }) {
  if (!counts) return <span class="muted">…</span>
  return (
    <span class="counts">
      <span class="count">
        <Sparkline values={counts.delivered} tone="good" />
        <span>
          <strong>{sum(counts.delivered)}</strong> delivered
        </span>
      </span>
      <span class="count">
        <Sparkline values={counts.failed} tone="bad" />
        <span>
          <strong>{sum(counts.failed)}</strong> failed
        </span>
      </span>
    </span>
  )
}

/** The destination's match-quality score of the last 7 days; "—" says there were no events to score. */
function QualityNote({ score }: { score: number | null | undefined }) {
  const text = listScoreText(score)
  if (text !== '—') return <span>{text}</span>
  return (
    <span>
      <span aria-hidden="true">—</span>
      <span class="visually-hidden">No match quality: no events in the last 7 days</span>
    </span>
  )
}

/** A held destination's "Degraded" badge, with the held count and the reason as text beside it. */
function HeldNote({ destination }: { destination: Destination }) {
  const held = heldOf(destination.status)
  if (!held) return null
  return (
    <>
      {' '}
      <span class="badge degraded">Degraded</span>
      <span class="held-note" data-testid="held-note">
        <strong>{heldCountText(held.count)}</strong>
        <span class="held-reason">{held.reason}</span>
      </span>
    </>
  )
}

export function DestinationList({ client, notify }: { client: ApiClient; notify: Notify }) {
  const [all, setAll] = useState<Destination[] | null>(null)
  const [counts, setCounts] = useState<Record<string, DestinationCounts>>({})
  const [quality, setQuality] = useState<Record<string, QualityScore> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [search, setSearch] = useState('')
  const [showPaused, setShowPaused] = useState(true)

  const load = useCallback(async () => {
    try {
      const page = await client.request<Page<Destination>>('GET', client.project('hog_functions/?type=destination&limit=1000'))
      setAll(page.results)
      setError(null)
      const now = Date.now()
      // One call for every destination's score: the server answers the last 7 days, as the counts beside it.
      client
        .request<Page<QualityScore>>('GET', client.project('hog_functions/quality/'))
        .then((answer) => setQuality(Object.fromEntries(answer.results.map((q) => [q.id, q]))))
        .catch(() => undefined)
      for (const fn of page.results) {
        client
          .request<MetricsSeries>('GET', client.project(`hog_functions/${encodeURIComponent(fn.id)}/metrics?after=-7d`))
          .then((metrics) => setCounts((known) => ({ ...known, [fn.id]: countsOf(metrics, now) })))
          .catch(() => undefined)
      }
    } catch (failure) {
      setError((failure as Error).message)
    }
  }, [client])
  useEffect(() => {
    load()
  }, [load])

  const patch = async (fn: Destination, body: Record<string, unknown>) => client.request<Destination>('PATCH', client.project(`hog_functions/${encodeURIComponent(fn.id)}/`), body)

  const toggle = async (fn: Destination) => {
    try {
      const updated = await patch(fn, { enabled: !fn.enabled })
      setAll((list) => list?.map((d) => (d.id === fn.id ? { ...d, ...updated } : d)) ?? null)
      notify(`${fn.name} ${updated.enabled ? 'enabled' : 'paused'}.`)
    } catch (failure) {
      notify(`Could not change ${fn.name}: ${(failure as Error).message}`)
    }
  }

  const remove = async (fn: Destination) => {
    try {
      await patch(fn, { deleted: true })
      setAll((list) => list?.filter((d) => d.id !== fn.id) ?? null)
      notify(`${fn.name} deleted.`, {
        label: 'Undo',
        run: () => {
          patch(fn, { deleted: false })
            .then(() => load())
            .then(() => notify(`${fn.name} restored.`))
            .catch((failure: Error) => notify(`Could not restore ${fn.name}: ${failure.message}`))
        },
      })
    } catch (failure) {
      notify(`Could not delete ${fn.name}: ${(failure as Error).message}`)
    }
  }

  const shown = all ? visibleDestinations(all, search, showPaused) : []
  return (
    <section aria-labelledby="destinations-title">
      <div class="page-header">
        <h1 id="destinations-title">Destinations</h1>
        <a class="button primary" href="#/new">
          New destination
        </a>
      </div>
      <div class="toolbar">
        <div class="field inline">
          <label for="destination-search">Search destinations</label>
          <input id="destination-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
        <label class="check">
          <input type="checkbox" checked={showPaused} onChange={(e) => setShowPaused(e.currentTarget.checked)} />
          Show paused
        </label>
      </div>
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
      {all === null && !error && <p class="muted">Loading destinations…</p>}
      {all !== null && shown.length === 0 && (
        <p class="empty">
          {all.length === 0 ? 'No destinations yet. ' : 'No destination matches. '}
          {all.length === 0 && <a href="#/new">Create one</a>}
        </p>
      )}
      {shown.length > 0 && (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Last 7 days</th>
              <th scope="col">Match quality</th>
              <th scope="col">Last updated</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((fn) => (
              <tr key={fn.id} data-testid="destination-row">
                <td class="name-cell">
                  {fn.icon_url && <img class="icon" src={fn.icon_url} alt="" width={28} height={28} />}
                  <span>
                    <a href={`#/destinations/${encodeURIComponent(fn.id)}`}>{fn.name}</a>
                    {fn.description && <span class="muted small block">{fn.description}</span>}
                  </span>
                </td>
                <td class="status-cell">
                  <span class={fn.enabled ? 'badge success' : 'badge'}>{fn.enabled ? 'Enabled' : 'Paused'}</span>
                  <HeldNote destination={fn} />
                </td>
                <td>
                  <Counts counts={counts[fn.id]} />
                </td>
                <td class="list-quality" data-testid="list-quality">
                  {quality ? <QualityNote score={quality[fn.id]?.score} /> : <span class="muted">…</span>}
                </td>
                <td>
                  <span class="phone-only muted">Updated </span>
                  <time dateTime={fn.updated_at} title={fn.updated_at}>
                    {timeAgo(fn.updated_at, Date.now())}
                  </time>
                </td>
                <td class="actions">
                  <RowMenu
                    label={`Actions for ${fn.name}`}
                    items={[
                      { label: fn.enabled ? 'Pause' : 'Enable', run: () => toggle(fn) },
                      { label: 'Delete', run: () => remove(fn), danger: true },
                    ]}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
