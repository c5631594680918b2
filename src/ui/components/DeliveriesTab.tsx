import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import {
  appendRows,
  confirmAllText,
  confirmSelectedText,
  type Delivery,
  type DeliveryFilter,
  type DeliveryPage,
  deliveriesQuery,
  deliveryFilter,
  type Job,
  pageSelection,
  type ReasonCount,
  reasonLabel,
  selectPage,
  startedText,
  startProblem,
} from '../deliveries'
import { logRange } from '../periods'
import { BackfillForm } from './BackfillForm'
import { DeliveryFilters, type DeliveryForm, INITIAL_DELIVERY_FORM } from './DeliveryFilters'
import { DeliveryRow } from './DeliveryRow'
import { JobPanel } from './JobPanel'
import { ReplayBar } from './ReplayBar'
import { useJobs } from './use-jobs'

const PAGE = 50

interface Listed {
  rows: Delivery[]
  count: number
  next: string | null
  reasons: ReasonCount[]
}

const EMPTY: Listed = { rows: [], count: 0, next: null, reasons: [] }

/** The destination's failed and given-up deliveries with their replay, its jobs, and a backfill of stored events. */
export function DeliveriesTab({ client, functionId, mappings, pollMs = 2000 }: { client: ApiClient; functionId: string; mappings: string[]; pollMs?: number }) {
  const [form, setForm] = useState<DeliveryForm>(INITIAL_DELIVERY_FORM)
  const [refreshes, setRefreshes] = useState(0)
  const [listed, setListed] = useState<Listed>(EMPTY)
  const [loading, setLoading] = useState(true)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [starting, setStarting] = useState(false)
  const [replayError, setReplayError] = useState<string | null>(null)
  const [started, setStarted] = useState<string | null>(null)
  const generation = useRef(0)
  const reload = () => setRefreshes((n) => n + 1)
  const jobs = useJobs(client, functionId, pollMs, reload)

  const range = useMemo(() => logRange(form.preset, form.custom, Date.now()), [form.preset, form.custom, refreshes])
  const filter: DeliveryFilter | null = 'error' in range ? null : deliveryFilter({ status: form.status, mapping: form.mapping, reason: form.reason, ...range })
  const filterKey = JSON.stringify(filter)
  const base = client.project(`hog_functions/${encodeURIComponent(functionId)}/`)
  const fetchPage = (offset: number) => client.request<DeliveryPage>('GET', `${base}deliveries/?${deliveriesQuery(filter ?? {}, PAGE, offset)}`)

  useEffect(() => {
    const mine = ++generation.current
    setError(null)
    setLoading(filter !== null)
    if (!filter) return
    fetchPage(0).then(
      (page) => {
        if (mine !== generation.current) return
        setListed({ rows: page.results, count: page.count, next: page.next, reasons: page.reasons })
        setSelected((current) => new Set(page.results.filter((r) => r.replayable && current.has(r.id)).map((r) => r.id)))
        setLoading(false)
      },
      (failure: Error) => {
        if (mine !== generation.current) return
        setError(failure.message)
        setListed(EMPTY)
        setLoading(false)
      },
    )
  }, [client, functionId, filterKey, refreshes])

  const loadOlder = async () => {
    const mine = generation.current
    setLoadingOlder(true)
    try {
      const page = await fetchPage(listed.rows.length)
      if (mine !== generation.current) return
      setListed((current) => ({ ...current, rows: appendRows(current.rows, page.results), count: page.count, next: page.next }))
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setLoadingOlder(false)
    }
  }

  const replay = async (body: unknown, question: string) => {
    if (!window.confirm(question)) return
    setStarting(true)
    setReplayError(null)
    setStarted(null)
    try {
      const job = await client.request<Job>('POST', `${base}replays/`, body)
      jobs.add(job)
      setSelected(new Set())
      setStarted(startedText(job))
      reload()
    } catch (failure) {
      setReplayError(startProblem(failure))
    } finally {
      setStarting(false)
    }
  }

  const backfillStarted = (job: Job) => {
    jobs.add(job)
    setStarted(startedText(job))
  }

  const { rows } = listed
  return (
    <section class="deliveries" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Failed deliveries</h2>
      <p class="muted">Deliveries Pinterest refused or that ran out of retries, newest first. A replay maps each stored event again with the current configuration.</p>
      <DeliveryFilters
        form={form}
        mappings={mappings}
        reasons={listed.reasons}
        onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
        onRefresh={() => {
          reload()
          jobs.reload()
        }}
      />
      {'error' in range && (
        <p class="error-message" role="alert">
          {range.error}
        </p>
      )}
      {error && (
        <p class="error-message" role="alert">
          The deliveries could not be loaded: {error}
        </p>
      )}
      <ReplayBar
        page={pageSelection(selected, rows)}
        selectable={rows.some((r) => r.replayable)}
        selected={selected.size}
        matching={filter ? listed.count : 0}
        starting={starting}
        problem={replayError}
        started={started}
        onSelectPage={(on) => setSelected(selectPage(selected, rows, on))}
        onReplaySelected={() => replay({ delivery_ids: [...selected] }, confirmSelectedText(selected.size))}
        onReplayAll={() => replay({ filter }, confirmAllText(listed.count))}
      />
      <JobPanel jobs={jobs}>
        <BackfillForm client={client} functionId={functionId} onStarted={backfillStarted} />
      </JobPanel>
      {loading && <p class="muted">Loading…</p>}
      {!loading && filter && !error && rows.length === 0 && <p class="empty">No failed deliveries match these filters.</p>}
      {rows.length > 0 && (
        <>
          <p class="muted small" data-testid="deliveries-count">
            {rows.length.toLocaleString('en-US')} of {listed.count.toLocaleString('en-US')} shown
          </p>
          <ol class="delivery-list" aria-label="Failed deliveries, newest first">
            {rows.map((row) => (
              <DeliveryRow
                key={row.id}
                delivery={row}
                reason={reasonLabel(row.reason, listed.reasons)}
                selected={selected.has(row.id)}
                onSelect={(on) =>
                  setSelected((current) => {
                    const next = new Set(current)
                    if (on) next.add(row.id)
                    else next.delete(row.id)
                    return next
                  })
                }
              />
            ))}
          </ol>
        </>
      )}
      {listed.next && (
        <button type="button" class="button" onClick={loadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading older deliveries…' : 'Show older'}
        </button>
      )}
    </section>
  )
}
