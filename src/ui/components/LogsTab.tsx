import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { groupLines, type LogLevel, type LogLine, mergeLines, olderPageLimit, shiftIso, unseenLines } from '../log-groups'
import { logRange } from '../periods'
import { type Filters, INITIAL_FILTERS, LogFilters } from './LogFilters'
import { LogGroupItem } from './LogGroupItem'

/** Lines asked for per page; newer lines are asked for up to the server's most. */
const PAGE = 100
const POLL_PAGE = 500
const SEARCH_DELAY_MS = 300

interface Query {
  levels: LogLevel[]
  search: string
  after?: string
  before?: string
}

function logsPath(client: ApiClient, functionId: string, query: Query, bounds: { after?: string; before?: string }, limit: number): string {
  const params = new URLSearchParams({ level: query.levels.join(','), limit: String(limit) })
  if (query.search) params.set('search', query.search)
  const after = bounds.after ?? query.after
  const before = bounds.before ?? query.before
  if (after) params.set('after', after)
  if (before) params.set('before', before)
  return client.project(`hog_functions/${encodeURIComponent(functionId)}/logs?${params}`)
}

const entriesText = (n: number) => `${n} new ${n === 1 ? 'entry' : 'entries'}`

/**
 * The destination's log, newest first, one group per event; lines written after it was loaded are
 * counted every `pollMs` and shown when asked, so the list never moves under the reader.
 */
export function LogsTab({ client, functionId, pollMs = 2000 }: { client: ApiClient; functionId: string; pollMs?: number }) {
  const [filters, setFilters] = useState<Filters>(INITIAL_FILTERS)
  const [search, setSearch] = useState('')
  const [refreshes, setRefreshes] = useState(0)
  const [lines, setLines] = useState<LogLine[]>([])
  const [pending, setPending] = useState<LogLine[]>([])
  // More new lines came than one poll brings: showing them loads the list again from the newest.
  const [overflow, setOverflow] = useState(false)
  const [hasOlder, setHasOlder] = useState(false)
  const [loadingOlder, setLoadingOlder] = useState(false)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const generation = useRef(0)
  const held = useRef({ lines, pending })
  held.current = { lines, pending }

  const { levels, searchText, preset, custom } = filters
  const change = (patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch }))

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchText.trim()), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [searchText])

  // Computed once per change of the filters (or Refresh), so that a preset's start does not move on every render.
  const range = useMemo(() => logRange(preset, custom, Date.now()), [preset, custom, refreshes])
  const query: Query | null = 'error' in range || levels.length === 0 ? null : { levels, search, ...range }

  const fetchLines = async (bounds: { after?: string; before?: string }, limit: number) => {
    if (!query) return []
    const answer = await client.request<{ results: LogLine[] }>('GET', logsPath(client, functionId, query, bounds, limit))
    return answer.results
  }

  useEffect(() => {
    const mine = ++generation.current
    setLines([])
    setPending([])
    setOverflow(false)
    setHasOlder(false)
    setError(null)
    setLoading(query !== null)
    if (!query) return
    fetchLines({}, PAGE).then(
      (results) => {
        if (mine !== generation.current) return
        setLines(results)
        setHasOlder(results.length === PAGE)
        setLoading(false)
      },
      (failure: Error) => {
        if (mine !== generation.current) return
        setError(failure.message)
        setLoading(false)
      },
    )
  }, [client, functionId, levels.join(), search, 'error' in range ? range.error : `${range.after} ${range.before}`, refreshes])

  useEffect(() => {
    if (!query || (query.before && Date.parse(query.before) < Date.now())) return
    const mine = generation.current
    const timer = setInterval(async () => {
      const known = [...held.current.pending, ...held.current.lines]
      // A millisecond of overlap: lines written in the same millisecond as the newest one are not lost.
      const after = known.length > 0 ? shiftIso(known[0].timestamp, -1) : undefined
      try {
        const page = await fetchLines({ after }, POLL_PAGE)
        const fresh = unseenLines(known, page)
        if (mine !== generation.current || fresh.length === 0) return
        if (held.current.lines.length === 0) {
          setLines((current) => mergeLines(current, fresh))
          if (page.length === POLL_PAGE) setHasOlder(true)
        } else {
          setPending((current) => mergeLines(current, fresh))
          if (page.length === POLL_PAGE) setOverflow(true)
        }
      } catch {
        // The next poll tries again; a lasting problem shows on the next load.
      }
    }, pollMs)
    return () => clearInterval(timer)
  }, [client, functionId, levels.join(), search, 'error' in range ? range.error : `${range.after} ${range.before}`, refreshes, pollMs])

  const showPending = () => {
    if (overflow) setRefreshes((n) => n + 1)
    else setLines((current) => mergeLines(current, pending))
    setPending([])
  }

  const loadOlder = async () => {
    const oldest = lines[lines.length - 1]
    if (!oldest) return
    const mine = generation.current
    const limit = olderPageLimit(lines, PAGE, POLL_PAGE)
    setLoadingOlder(true)
    try {
      const results = await fetchLines({ before: shiftIso(oldest.timestamp, 1) }, limit)
      if (mine !== generation.current) return
      const added = unseenLines(lines, results)
      setLines((current) => mergeLines(current, added))
      setHasOlder(results.length === limit && added.length > 0)
    } catch (failure) {
      setError((failure as Error).message)
    } finally {
      setLoadingOlder(false)
    }
  }

  const groups = groupLines(lines, filters.byEvent)
  const onlyEvent = (instanceId: string) => {
    change({ searchText: instanceId })
    setSearch(instanceId)
  }

  return (
    <section class="observability" aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <p class="muted">Failures and problems are always logged. Each delivered event and each request to Pinterest are logged while Debug mode is on (Configuration tab).</p>
      <LogFilters filters={filters} onChange={change} onRefresh={() => setRefreshes((n) => n + 1)} />
      {'error' in range && (
        <p class="error-message" role="alert">
          {range.error}
        </p>
      )}
      {levels.length === 0 && <p class="muted">Choose at least one level.</p>}
      {error && (
        <p class="error-message" role="alert">
          The logs could not be loaded: {error}
        </p>
      )}
      <div role="status" class="new-entries">
        {pending.length > 0 && (
          <button type="button" class="button small" onClick={showPending}>
            {overflow ? `${POLL_PAGE}+ new entries` : entriesText(pending.length)} — show
          </button>
        )}
      </div>
      {loading && <p class="muted">Loading…</p>}
      {!loading && query && !error && groups.length === 0 && <p class="empty">No log entries in this range.</p>}
      {groups.length > 0 && (
        <ol class="log-groups" aria-label="Log entries, newest first">
          {groups.map((group) => (
            <LogGroupItem key={group.key} group={group} onlyEvent={search === group.instanceId ? undefined : onlyEvent} />
          ))}
        </ol>
      )}
      {hasOlder && (
        <button type="button" class="button" onClick={loadOlder} disabled={loadingOlder}>
          {loadingOlder ? 'Loading older entries…' : 'Load older entries'}
        </button>
      )}
    </section>
  )
}
