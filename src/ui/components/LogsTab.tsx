import type { ApiClient } from '../api'

/** The destination's Logs tab. */
export function LogsTab(_props: { client: ApiClient; functionId: string }) {
  return <p class="muted">Logs is not built yet.</p>
}
