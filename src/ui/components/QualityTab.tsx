import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { type PeriodId, periodOf } from '../periods'
import { type FunctionQuality, keyLabel, type MappingQuality, orderedKeys, percentText, reasonText, scoreText, skipReasons } from '../quality'
import { PeriodSelect } from './PeriodSelect'

const HOUR_MS = 3_600_000

/** How well the events a destination sent can be matched to Pinterest users, per mapping, over a chosen period. */
export function QualityTab({ client, functionId }: { client: ApiClient; functionId: string }) {
  const [period, setPeriod] = useState<PeriodId>('7d')
  const [loaded, setLoaded] = useState<{ period: PeriodId; quality: FunctionQuality } | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let current = true
    const after = new Date(Date.now() - periodOf(period).hours * HOUR_MS).toISOString()
    setError(null)
    client.request<FunctionQuality>('GET', client.project(`hog_functions/${encodeURIComponent(functionId)}/quality/?after=${after}`)).then(
      (quality) => current && setLoaded({ period, quality }),
      (failure: Error) => current && setError(failure.message),
    )
    return () => {
      current = false
    }
  }, [client, functionId, period])

  return (
    <section class="quality" aria-labelledby="quality-title">
      <h2 id="quality-title">Match quality</h2>
      <p class="description">How many of the events sent carry what Pinterest matches users by: the more, the more conversions it can attribute.</p>
      <div class="toolbar">
        <PeriodSelect id="quality-period" value={period} onChange={setPeriod} />
      </div>
      {error && (
        <p class="error-message" role="alert">
          The match quality could not be loaded: {error}
        </p>
      )}
      {!loaded && !error && <p class="muted">Loading…</p>}
      {loaded && (
        <>
          <p class="card quality-score" data-testid="quality-score">
            <span class="metric-label">Score, last {periodOf(loaded.period).label}</span>
            <span class="metric-value">{scoreText(loaded.quality.score)}</span>
          </p>
          {loaded.quality.mappings.map((m, i) => (
            <MappingCard key={m.mapping} quality={m} index={i} />
          ))}
        </>
      )}
    </section>
  )
}

function MappingCard({ quality, index }: { quality: MappingQuality; index: number }) {
  const titleId = `quality-mapping-${index}`
  const reasons = skipReasons(quality.skipped.reasons)
  return (
    <article class="card quality-mapping" aria-labelledby={titleId} data-testid={`quality-${quality.mapping}`}>
      <h3 id={titleId}>{quality.mapping}</h3>
      <dl class="quality-figures">
        <div>
          <dt>Events</dt>
          <dd>{quality.events.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd>{quality.sent.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Score</dt>
          <dd>{scoreText(quality.score)}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd>
            {percentText(quality.skipped.share)} ({quality.skipped.total.toLocaleString()})
          </dd>
        </div>
      </dl>
      {reasons.length > 0 && (
        <ul class="quality-reasons" aria-label={`Why ${quality.mapping} events were skipped`}>
          {reasons.map(([reason, count]) => (
            <li key={reason}>{reasonText(reason, count)}</li>
          ))}
        </ul>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must be reachable by keyboard (axe's scrollable-region-focusable). */}
      <section class="table-scroll" tabIndex={0} aria-label={`Match keys of ${quality.mapping}`}>
        <table class="figures quality-keys">
          <caption>Share of sent {quality.mapping} events carrying each key</caption>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {orderedKeys(quality.keys).map((key) => (
              <tr key={key}>
                <th scope="row">{keyLabel(key)}</th>
                <td>{percentText(quality.keys[key])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {quality.advice.length > 0 && (
        <>
          <h4>Advice</h4>
          <ul class="quality-advice">
            {quality.advice.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </article>
  )
}
