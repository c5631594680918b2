import { LOG_LEVELS, type LogLevel } from '../log-groups'
import { LOG_PRESETS, type LogPreset } from '../periods'

export const LEVEL_LABELS: Record<LogLevel, string> = { debug: 'Debug', info: 'Info', warn: 'Warn', error: 'Error' }

/** What the reader chose to see of the log. */
export interface Filters {
  levels: LogLevel[]
  /** As typed: the search runs a moment after the typing stops. */
  searchText: string
  preset: LogPreset
  /** datetime-local values of a custom range. */
  custom: { from: string; to: string }
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
      <div class="field inline">
        <label for="logs-range">Time range</label>
        <select id="logs-range" value={filters.preset} onChange={(e) => onChange({ preset: e.currentTarget.value as LogPreset })}>
          {LOG_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {filters.preset === 'custom' && (
        <>
          <div class="field inline">
            <label for="logs-from">From</label>
            <input id="logs-from" type="datetime-local" step={1} value={filters.custom.from} onChange={(e) => onChange({ custom: { ...filters.custom, from: e.currentTarget.value } })} />
          </div>
          <div class="field inline">
            <label for="logs-to">To</label>
            <input id="logs-to" type="datetime-local" step={1} value={filters.custom.to} onChange={(e) => onChange({ custom: { ...filters.custom, to: e.currentTarget.value } })} />
          </div>
        </>
      )}
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
