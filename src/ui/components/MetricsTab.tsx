import type { ApiClient } from '../api'

/** The destination's Metrics tab. */
export function MetricsTab(_props: { client: ApiClient; functionId: string }) {
  return <p class="muted">Metrics is not built yet.</p>
}
