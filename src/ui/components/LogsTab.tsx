import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { groupLines, LOG_LEVELS, type LogGroup, type LogLevel, type LogLine, mergeLines, olderPageLimit, shiftIso, unseenLines } from '../log-groups'
import { LOG_PRESETS, type LogPreset, logRange } from '../periods'

/** Lines asked for per page; newer lines are asked for up to the server's most. */
const PAGE = 100
const POLL_PAGE = 500
const SEARCH_DELAY_MS = 300
const LEVEL_LABELS: Record<LogLevel, string> = { debug: 'Debug', info: 'Info', warn: 'Warn', error: 'Error' }

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

const timeText = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const entriesText = (n: number) => `${n} new ${n === 1 ? 'entry' : 'entries'}`

/**
 * The destination's log, newest first, one group per event; lines written after it was loaded are
 * counted every `pollMs` and shown when asked, so the list never moves under the reader.
 */
export function LogsTab({ client, functionId, pollMs = 2000 }: { client: ApiClient; functionId: string; pollMs?: number }) {
  const [levels, setLevels] = useState<LogLevel[]>([...LOG_LEVELS])
  const [searchText, setSearchText] = useState('')
  const [search, setSearch] = useState('')
  const [preset, setPreset] = useState<LogPreset>('7d')
  const [custom, setCustom] = useState({ from: '', to: '' })
  const [refreshes, setRefreshes] = useState(0)
  const [byEvent, setByEvent] = useState(true)
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

  const toggleLevel = (level: LogLevel, on: boolean) => setLevels((current) => LOG_LEVELS.filter((l) => (l === level ? on : current.includes(l))))
  const groups = groupLines(lines, byEvent)
  const onlyEvent = (instanceId: string) => {
    setSearchText(instanceId)
    setSearch(instanceId)
  }

  return (
    <section class="observability" aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <form class="toolbar logs-filters" aria-label="Filter logs" onSubmit={(e) => e.preventDefault()}>
        <fieldset class="levels">
          <legend>Levels</legend>
          {LOG_LEVELS.map((level) => (
            <label key={level} class="check">
              <input type="checkbox" checked={levels.includes(level)} onChange={(e) => toggleLevel(level, e.currentTarget.checked)} />
              {LEVEL_LABELS[level]}
            </label>
          ))}
        </fieldset>
        <div class="field inline">
          <label for="logs-search">Search logs</label>
          <input id="logs-search" type="search" value={searchText} aria-describedby="logs-search-help" onInput={(e) => setSearchText(e.currentTarget.value)} />
          <span id="logs-search-help" class="description">
            Text of a line, an event UUID or a distinct ID.
          </span>
        </div>
        <div class="field inline">
          <label for="logs-range">Time range</label>
          <select id="logs-range" value={preset} onChange={(e) => setPreset(e.currentTarget.value as LogPreset)}>
            {LOG_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom range</option>
          </select>
        </div>
        {preset === 'custom' && (
          <>
            <div class="field inline">
              <label for="logs-from">From</label>
              <input id="logs-from" type="datetime-local" step={1} value={custom.from} onChange={(e) => setCustom({ ...custom, from: e.currentTarget.value })} />
            </div>
            <div class="field inline">
              <label for="logs-to">To</label>
              <input id="logs-to" type="datetime-local" step={1} value={custom.to} onChange={(e) => setCustom({ ...custom, to: e.currentTarget.value })} />
            </div>
          </>
        )}
        <label class="check">
          <input type="checkbox" checked={byEvent} onChange={(e) => setByEvent(e.currentTarget.checked)} />
          Group by event
        </label>
        <button type="button" class="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </form>
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

function LogGroupItem({ group, onlyEvent }: { group: LogGroup; onlyEvent?: (instanceId: string) => void }) {
  const { instanceId } = group
  return (
    <li class={`log-group level-${group.level}`} data-testid="log-group" data-instance-id={group.instanceId ?? undefined}>
      <details>
        <summary>
          <time dateTime={group.timestamp}>{timeText(group.timestamp)}</time>
          <span class={`badge level level-${group.level}`}>{LEVEL_LABELS[group.level]}</span>
          <span class="log-summary">{group.summary}</span>
          <span class="muted small log-count">
            {group.instanceId ? `event ${group.instanceId} · ` : ''}
            {group.lines.length === 1 ? '1 line' : `${group.lines.length} lines`}
          </span>
        </summary>
        <table class="list log-lines">
          <caption class="visually-hidden">Lines of this {group.instanceId ? 'event' : 'entry'}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Level</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {group.lines.map((line, i) => (
              <tr key={`${line.timestamp} ${i}`}>
                <td class="log-time">
                  <time dateTime={line.timestamp}>{timeText(line.timestamp)}</time>
                </td>
                <td>{LEVEL_LABELS[line.level]}</td>
                <td class="log-message">{line.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {instanceId && onlyEvent && (
          <button type="button" class="button small only-event" onClick={() => onlyEvent(instanceId)}>
            Show only this event's lines
          </button>
        )}
      </details>
    </li>
  )
}
