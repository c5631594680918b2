import { LOG_LEVELS, type LogLevel } from '../log-groups'
import { type TimeRange, TimeRangeFields } from './TimeRangeFields'

export const LEVEL_LABELS: Record<LogLevel, string> = { debug: 'Debug', info: 'Info', warn: 'Warn', error: 'Error' }

/** What the reader chose to see of the log. */
export interface Filters extends TimeRange {
  levels: LogLevel[]
  /** As typed: the search runs a moment after the typing stops. */
  searchText: string
  byEvent: boolean
}

export const INITIAL_FILTERS: Filters = { levels: [...LOG_LEVELS], searchText: '', preset: '7d', custom: { from: '', to: '' }, byEvent: true }

/** The Logs tab's toolbar: levels, search, time range, grouping and Refresh. */
export function LogFilters({ filters, onChange, onRefresh }: { filters: Filters; onChange: (patch: Partial<Filters>) => void; onRefresh: () => void }) {
  return (
    <form class="toolbar logs-filters" aria-label="Filter logs" onSubmit={(e) => e.preventDefault()}>
      <fieldset class="levels">
        <legend>Levels</legend>
        {LOG_LEVELS.map((level) => (
          <label key={level} class="check">
            <input
              type="checkbox"
              checked={filters.levels.includes(level)}
              onChange={(e) => onChange({ levels: LOG_LEVELS.filter((l) => (l === level ? e.currentTarget.checked : filters.levels.includes(l))) })}
            />
            {LEVEL_LABELS[level]}
          </label>
        ))}
      </fieldset>
      <div class="field inline">
        <label for="logs-search">Search logs</label>
        <input id="logs-search" type="search" value={filters.searchText} aria-describedby="logs-search-help" onInput={(e) => onChange({ searchText: e.currentTarget.value })} />
        <span id="logs-search-help" class="description">
          Text of a line, an event UUID or a distinct ID.
        </span>
      </div>
      <TimeRangeFields idPrefix="logs" range={filters} onChange={onChange} />
      <label class="check">
        <input type="checkbox" checked={filters.byEvent} onChange={(e) => onChange({ byEvent: e.currentTarget.checked })} />
        Group by event
      </label>
      <button type="button" class="button" onClick={onRefresh}>
        Refresh
      </button>
    </form>
  )
}
