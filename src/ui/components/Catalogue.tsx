import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { matchingTemplates, type TemplateSummary } from '../destinations'

export function Catalogue({ client }: { client: ApiClient }) {
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [search, setSearch] = useState('')
  useEffect(() => {
    client
      .request<{ results: TemplateSummary[] }>('GET', client.project('hog_function_templates/?type=destination'))
      .then((page) => setTemplates(page.results))
      .catch((failure: Error) => setError(failure.message))
  }, [client])
  const shown = templates ? matchingTemplates(templates, search) : []
  return (
    <section aria-labelledby="catalogue-title">
      <div class="page-header">
        <h1 id="catalogue-title">New destination</h1>
        <a class="button ghost" href="#/">
          Back to destinations
        </a>
      </div>
      <div class="toolbar">
        <div class="field inline grow">
          <label for="template-search">Search destinations to add</label>
          <input id="template-search" type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
      </div>
      {error && (
        <p class="error-message" role="alert">
          {error}
        </p>
      )}
      {templates === null && !error && <p class="muted">Loading…</p>}
      {templates !== null && shown.length === 0 && <p class="empty">No destination matches “{search}”.</p>}
      <ul class="catalogue">
        {shown.map((template) => (
          <li key={template.id} class="card template-card" data-testid="template-card">
            {template.icon_url && <img class="icon large" src={template.icon_url} alt="" width={40} height={40} />}
            <div class="grow">
              <h2>{template.name}</h2>
              <p class="muted">{template.description}</p>
            </div>
            <a class="button primary" href={`#/new/${encodeURIComponent(template.id)}`} aria-label={`Configure ${template.name}`}>
              Configure
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}
