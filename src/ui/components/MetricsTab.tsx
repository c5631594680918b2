import { useEffect, useMemo, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { bucketTotals, groupTotals, METRIC_GROUPS, type MetricGroupKey, type MetricsSeries } from '../metrics'
import { bucketStarts, changeAgainst, defaultInterval, type Interval, intervalsOf, type PeriodId, periodOf, periodWindows, type Window } from '../periods'
import { type ChartSeries, MetricsChart } from './MetricsChart'
import { PeriodSelect } from './PeriodSelect'

const COLORS: Record<MetricGroupKey, string> = { delivered: '#1e7a3a', failed: '#c3241b', skipped: '#a15c00', filtered: '#5f6061' }
// A rise in deliveries is good news, a rise in failures bad; skipped and filtered are neither.
const RISE: Partial<Record<MetricGroupKey, 'good' | 'bad'>> = { delivered: 'good', failed: 'bad' }

interface Loaded {
  period: PeriodId
  windows: { current: Window; previous: Window }
  current: Record<MetricGroupKey, number>
  previous: Record<MetricGroupKey, number>
  series: MetricsSeries
}

const iso = (ms: number) => new Date(ms).toISOString()
const bucketText = (ms: number, interval: Interval) =>
  new Date(ms).toLocaleString(
    undefined,
    interval === 'hour' ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', weekday: 'short' },
  )

/** Delivered, failed, skipped and filtered events of the period, against the period before, and over time. */
export function MetricsTab({ client, functionId }: { client: ApiClient; functionId: string }) {
  const [period, setPeriod] = useState<PeriodId>('7d')
  const [chosenInterval, setChosenInterval] = useState<Interval | null>(null)
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [refreshes, setRefreshes] = useState(0)
  // What is shown is of the period last loaded: until the chosen one arrives, its figures and labels stay together.
  const shown = loaded?.period ?? period
  const allowed = intervalsOf(shown)
  const interval = chosenInterval && allowed.includes(chosenInterval) ? chosenInterval : defaultInterval(shown)

  useEffect(() => {
    let current = true
    const windows = periodWindows(period, Date.now())
    const path = (name: string, w: Window) => client.project(`hog_functions/${encodeURIComponent(functionId)}/${name}?after=${iso(w.startMs)}&before=${iso(w.endMs)}`)
    const totals = (w: Window) => client.request<{ totals: Record<string, number> }>('GET', path('metrics/totals', w)).then((answer) => groupTotals(answer.totals))
    setError(null)
    Promise.all([totals(windows.current), totals(windows.previous), client.request<MetricsSeries>('GET', path('metrics', windows.current))]).then(
      ([now, before, series]) => current && setLoaded({ period, windows, current: now, previous: before, series }),
      (failure: Error) => current && setError(failure.message),
    )
    return () => {
      current = false
    }
  }, [client, functionId, period, refreshes])

  const chart = useMemo(() => {
    if (!loaded) return null
    const starts = bucketStarts(loaded.windows.current, interval)
    const series: ChartSeries[] = METRIC_GROUPS.map((g) => ({ label: g.label, color: COLORS[g.key], values: bucketTotals(loaded.series, g.names, starts, loaded.windows.current.endMs) }))
    return { starts, series }
  }, [loaded, interval])

  const label = periodOf(shown).label
  return (
    <section class="observability" aria-labelledby="metrics-title">
      <h2 id="metrics-title">Metrics</h2>
      <div class="toolbar">
        <PeriodSelect id="metrics-period" value={period} onChange={setPeriod} />
        <div class="field inline">
          <label for="metrics-interval">Chart by</label>
          <select id="metrics-interval" value={interval} onChange={(e) => setChosenInterval(e.currentTarget.value as Interval)}>
            <option value="hour" disabled={!allowed.includes('hour')}>
              {allowed.includes('hour') ? 'Hour' : 'Hour (8 days or less)'}
            </option>
            <option value="day" disabled={!allowed.includes('day')}>
              {allowed.includes('day') ? 'Day' : 'Day (more than 2 days)'}
            </option>
          </select>
        </div>
        <button type="button" class="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {error && (
        <p class="error-message" role="alert">
          The metrics could not be loaded: {error}
        </p>
      )}
      {!loaded && !error && <p class="muted">Loading…</p>}
      {loaded && (
        <ul class="metric-cards" aria-label={`Totals of the last ${label}`}>
          {METRIC_GROUPS.map((g) => {
            const change = changeAgainst(loaded.current[g.key], loaded.previous[g.key], label)
            const tone = change.direction === 'same' || !RISE[g.key] ? '' : (change.direction === 'up') === (RISE[g.key] === 'good') ? ' good' : ' bad'
            return (
              <li key={g.key} class="card metric-card" data-testid={`metric-${g.key}`}>
                <span class="metric-label">{g.label}</span>
                <span class="metric-value">{loaded.current[g.key].toLocaleString()}</span>
                <span class={`metric-change${tone}`}>{change.text}</span>
                <span class="description">{g.help}</span>
              </li>
            )
          })}
        </ul>
      )}
      {loaded && chart && (
        <figure class="card metrics-figure">
          <figcaption>
            Events by {interval}, last {label}
          </figcaption>
          <ul class="chart-legend" aria-label="Legend">
            {chart.series.map((s, i) => (
              <li key={s.label}>
                <span class={`swatch swatch-${METRIC_GROUPS[i].key}`} aria-hidden="true" />
                {s.label}
              </li>
            ))}
          </ul>
          <MetricsChart starts={chart.starts} series={chart.series} />
          <details class="metrics-table">
            <summary>Show the figures as a table</summary>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must be reachable by keyboard (axe's scrollable-region-focusable). */}
            <section class="table-scroll" tabIndex={0} aria-label="Table of the figures">
              <table class="figures">
                <caption class="visually-hidden">
                  Events by {interval}, last {label}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{interval === 'hour' ? 'Hour from' : 'Day from'}</th>
                    {chart.series.map((s) => (
                      <th key={s.label} scope="col">
                        {s.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {chart.starts.map((start, row) => (
                    <tr key={start}>
                      <th scope="row">
                        <time dateTime={iso(start)}>{bucketText(start, interval)}</time>
                      </th>
                      {chart.series.map((s) => (
                        <td key={s.label}>{s.values[row]}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          </details>
        </figure>
      )}
    </section>
  )
}
