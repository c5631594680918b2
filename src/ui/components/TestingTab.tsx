import type { ApiClient } from '../api'

/** The destination's Testing tab. */
export function TestingTab(_props: { client: ApiClient; functionId: string; configuration: () => Record<string, unknown> }) {
  return <p class="muted">Testing is not built yet.</p>
}
