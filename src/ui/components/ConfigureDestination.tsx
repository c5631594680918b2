import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks'
import { type ApiClient, ApiError } from '../api'
import { type Field, type FieldValue, type FormValues, fieldsOf, initialValues, inputId, isDirty, placeProblems, type SchemaItem, saveButton, toPayload, validate } from '../form-model'
import { type FunctionStatus, heldOf } from '../function-status'
import { setLeaveGuard } from '../leave-guard'
import { type ApiMapping, isMappingField, type MappingDraft, type MappingTemplate, draftsOf, mappingFieldForAttr, mappingProblems, mappingsDirty, toApiMappings } from '../mappings'
import { DESTINATION_TABS, type DestinationTab, routeHash, TAB_LABELS } from '../routes'
import { DeliveriesTab } from './DeliveriesTab'
import { LogsTab } from './LogsTab'
import { MappingsTab } from './MappingsTab'
import { MetricsTab } from './MetricsTab'
import { QualityTab } from './QualityTab'
import { HistoryTab } from './HistoryTab'
import { AlertsTab } from './AlertsTab'
import { TestingTab } from './TestingTab'
import { HeldBanner } from './HeldBanner'
import { InputField } from './InputField'
import { PropertyFilters } from './PropertyFilters'
import { useSuggestions } from './use-suggestions'
import type { Notify } from './Toast'

interface Template {
  id: string
  name: string
  description: string
  icon_url?: string | null
  inputs_schema: SchemaItem[]
  mapping_templates?: MappingTemplate[]
}

interface HogFunction {
  id: string
  name: string
  description: string
  enabled: boolean
  icon_url?: string | null
  inputs_schema: SchemaItem[]
  inputs: Record<string, { value?: unknown; secret?: boolean }>
  filters?: unknown
  template?: { id: string; name: string } | null
  mappings?: ApiMapping[] | null
  status?: FunctionStatus | null
}

interface Loaded {
  title: string
  iconUrl: string | null
  templateId: string
  fields: Field[]
  saved: FormValues
  functionId: string | null
  /** The template's mapping templates, and the function's mappings as saved (none for a new function). */
  mappingTemplates: MappingTemplate[]
  savedMappings: MappingDraft[]
}

function fromFunction(fn: HogFunction, mappingTemplates: MappingTemplate[], mappingKeys: string[] = []): Loaded {
  const fields = fieldsOf(fn.inputs_schema)
  return {
    title: fn.name,
    iconUrl: fn.icon_url ?? null,
    templateId: fn.template?.id ?? '',
    fields,
    saved: initialValues(fields, fn, false),
    functionId: fn.id,
    mappingTemplates,
    savedMappings: draftsOf(fn.mappings, mappingTemplates, mappingKeys),
  }
}

function fromTemplate(template: Template): Loaded {
  const fields = fieldsOf(template.inputs_schema)
  return {
    title: `New ${template.name}`,
    iconUrl: template.icon_url ?? null,
    templateId: template.id,
    fields,
    saved: initialValues(fields, { name: template.name, enabled: true }, true),
    functionId: null,
    mappingTemplates: template.mapping_templates ?? [],
    savedMappings: [],
  }
}

/**
 * Focuses the first of `ids` shown, once one is: a control on another tab shows only after the tab has rendered.
 */
function focusField(ids: string[], tries = 20) {
  setTimeout(() => {
    const field = ids.map((id) => document.getElementById(id)).find(Boolean)
    if (field) field.focus()
    else if (tries > 0) focusField(ids, tries - 1)
  }, 25)
}

/** Basic settings of a new (from `templateId`) or an existing (`functionId`) destination. */
export function ConfigureDestination({
  client,
  notify,
  templateId,
  functionId,
  tab = 'configuration',
}: {
  client: ApiClient
  notify: Notify
  templateId?: string
  functionId?: string
  tab?: DestinationTab
}) {
  const [loaded, setLoaded] = useState<Loaded | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [values, setValues] = useState<FormValues | null>(null)
  const [mappings, setMappings] = useState<MappingDraft[]>([])
  // Problems show from the first save attempt on, then follow each keystroke: showing them on blur would move
  // the save button between the press and the release of a click on it, and lose that click.
  const [checking, setChecking] = useState(false)
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({})
  const [general, setGeneral] = useState<string[]>([])
  const [saving, setSaving] = useState(false)
  const [status, setStatus] = useState<FunctionStatus | null>(null)
  const [reloads, setReloads] = useState(0)
  const suggestions = useSuggestions(client)

  const show = (next: Loaded) => {
    setLoaded(next)
    setValues(next.saved)
    setMappings(next.savedMappings)
    setChecking(false)
    setServerErrors({})
    setGeneral([])
  }

  useEffect(() => {
    const request = functionId
      ? readFunction(client, functionId).then(async (fn) => {
          setStatus(fn.status ?? null)
          return fromFunction(fn, await mappingTemplatesOf(client, fn))
        })
      : client.request<Template>('GET', client.project(`hog_function_templates/${encodeURIComponent(templateId ?? '')}/`)).then(fromTemplate)
    const missing = functionId ? 'This destination does not exist (or was deleted).' : 'There is no such destination in the catalogue.'
    request.then(show, (error: Error) => setLoadError(error instanceof ApiError && error.status === 404 ? missing : error.message))
  }, [client, templateId, functionId, reloads])

  const isNew = !loaded?.functionId
  const dirty = loaded !== null && values !== null && (isDirty(loaded.fields, loaded.saved, values) || mappingsDirty(loaded.savedMappings, mappings, loaded.mappingTemplates))
  const problems = useMemo(
    () => (loaded && values ? { ...validate(loaded.fields, values), ...(loaded.functionId ? mappingProblems(mappings, loaded.mappingTemplates) : {}) } : {}),
    [loaded, values, mappings],
  )

  // A layout effect: the guard must be in place before the browser paints the changed form, or a click
  // right after the first keystroke could leave before it exists.
  useLayoutEffect(() => {
    setLeaveGuard(dirty && !saving ? () => true : null)
    return () => setLeaveGuard(null)
  }, [dirty, saving])

  if (loadError)
    return (
      <section class="page-message">
        <p class="error-message" role="alert">
          {loadError}
        </p>
        <a href="#/">Back to destinations</a>
      </section>
    )
  if (!loaded || !values) return <p class="muted">Loading…</p>

  const errorOf = (id: string) => serverErrors[id] ?? (checking ? problems[id] : undefined)
  const change = (id: string, next: FormValues) => {
    setValues(next)
    if (serverErrors[id]) setServerErrors(({ [id]: _, ...rest }) => rest)
  }
  const setInput = (field: Field, value: FieldValue) => change(field.id, { ...values, inputs: { ...values.inputs, [field.key]: value } })
  const changeMappings = (next: MappingDraft[], id?: string) => {
    setMappings(next)
    if (id && serverErrors[id]) setServerErrors(({ [id]: _, ...rest }) => rest)
  }
  // A problem shows on its tab: the mappings' on the Mappings tab, the others on Configuration.
  const showOnItsTab = (id: string, ...controls: string[]) => {
    const wanted = isMappingField(id) ? 'mappings' : 'configuration'
    if (loaded.functionId && wanted !== tab) location.hash = routeHash({ name: 'destination', id: loaded.functionId, tab: wanted })
    focusField([...controls, id])
  }
  const showProblem = (id: string) => showOnItsTab(id)
  // A saved secret shows a Replace button, not its input: that button is what fixes it.
  const showFix = (key: string) => showOnItsTab(inputId(key), `${inputId(key)}-replace`)

  const submit = async (event: Event) => {
    event.preventDefault()
    const found = Object.keys(problems)
    if (found.length > 0) {
      setChecking(true)
      showProblem(found[0])
      return
    }
    setSaving(true)
    setGeneral([])
    try {
      const body = toPayload(loaded.fields, values)
      if (loaded.functionId) {
        const patch = { ...body, mappings: toApiMappings(mappings, loaded.mappingTemplates) }
        const fn = await client.request<HogFunction>('PATCH', client.project(`hog_functions/${encodeURIComponent(loaded.functionId)}/`), patch)
        show(
          fromFunction(
            fn,
            loaded.mappingTemplates,
            mappings.map((m) => m.key),
          ),
        )
        notify('Changes saved.')
        setStatus(fn.status ?? null)
        // The banner follows the stored status: read again, it says whether the save resumed the deliveries.
        readFunction(client, loaded.functionId).then(
          (again) => setStatus(again.status ?? null),
          () => undefined,
        )
      } else {
        const fn = await client.request<HogFunction>('POST', client.project('hog_functions/'), { type: 'destination', template_id: loaded.templateId, ...body })
        show(fromFunction(fn, loaded.mappingTemplates))
        setLeaveGuard(null)
        notify(fn.enabled ? `${fn.name} created and enabled.` : `${fn.name} created.`)
        location.hash = routeHash({ name: 'destination', id: fn.id, tab: 'configuration' })
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        const placed = placeProblems(loaded.fields, error.problems, (attr) => mappingFieldForAttr(mappings, attr))
        setServerErrors(placed.byField)
        setGeneral(placed.general)
        const first = Object.keys(placed.byField)[0]
        if (first) showProblem(first)
      } else {
        setGeneral([(error as Error).message])
      }
    } finally {
      setSaving(false)
    }
  }

  const held = heldOf(status)
  const button = saveButton(isNew, values.enabled, dirty, saving)
  const nameError = errorOf('name')
  return (
    <div class="configure">
      <div class="page-header">
        <div class="title-with-icon">
          {loaded.iconUrl && <img class="icon large" src={loaded.iconUrl} alt="" width={40} height={40} />}
          <h1 id="configure-title">{loaded.title}</h1>
        </div>
        <a class="button ghost" href={isNew ? '#/new' : '#/'}>
          {isNew ? 'Back to catalogue' : 'Back to destinations'}
        </a>
      </div>
      {!isNew && held && <HeldBanner held={held} onFix={showFix} />}
      {!isNew && loaded.functionId && <DestinationTabs functionId={loaded.functionId} current={tab} />}
      {general.length > 0 && (
        <div class="error-box" role="alert">
          <p>The destination could not be saved:</p>
          <ul>
            {general.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      )}
      {tab === 'testing' && loaded.functionId && (
        <TestingTab client={client} functionId={loaded.functionId} configuration={() => ({ ...toPayload(loaded.fields, values), mappings: toApiMappings(mappings, loaded.mappingTemplates) })} />
      )}
      {tab === 'logs' && loaded.functionId && <LogsTab client={client} functionId={loaded.functionId} />}
      {tab === 'deliveries' && loaded.functionId && <DeliveriesTab client={client} functionId={loaded.functionId} mappings={loaded.savedMappings.map((m) => m.name)} />}
      {tab === 'metrics' && loaded.functionId && <MetricsTab client={client} functionId={loaded.functionId} />}
      {tab === 'quality' && loaded.functionId && <QualityTab client={client} functionId={loaded.functionId} />}
      {tab === 'history' && loaded.functionId && <HistoryTab client={client} functionId={loaded.functionId} notify={notify} dirty={dirty} onReverted={() => setReloads((n) => n + 1)} />}
      {tab === 'alerts' && loaded.functionId && <AlertsTab client={client} functionId={loaded.functionId} notify={notify} />}
      {(tab === 'configuration' || tab === 'mappings' || isNew) && (
        <form onSubmit={submit} noValidate aria-labelledby="configure-title">
          {tab === 'mappings' && !isNew && (
            <MappingsTab suggestions={suggestions} drafts={mappings} templates={loaded.mappingTemplates} errors={mappingErrors(serverErrors, checking ? problems : {})} onChange={changeMappings} />
          )}
          {/* On the Mappings tab the settings stay in the one form, hidden: both tabs are one draft with one save bar. */}
          <div class="card form-card" hidden={tab === 'mappings' && !isNew}>
            <div class="field switch-field enable-field">
              <label for="enabled">Enable destination</label>
              <input
                id="enabled"
                type="checkbox"
                role="switch"
                class="switch"
                aria-checked={values.enabled}
                checked={values.enabled}
                onChange={(e) => change('enabled', { ...values, enabled: e.currentTarget.checked })}
              />
              <p class="description">{values.enabled ? 'Events are sent to Pinterest once saved.' : 'Paused: no events are sent.'}</p>
            </div>
            <h2>Basic settings</h2>
            <div class="field" data-field="name">
              <label for="name">
                Destination name<span class="required"> (required)</span>
              </label>
              <input
                id="name"
                type="text"
                value={values.name}
                aria-required="true"
                aria-invalid={nameError ? 'true' : undefined}
                aria-describedby={nameError ? 'name-error' : undefined}
                onInput={(e) => change('name', { ...values, name: e.currentTarget.value })}
              />
              {nameError && (
                <p id="name-error" class="error-message">
                  {nameError}
                </p>
              )}
            </div>
            <div class="field" data-field="description">
              <label for="description">Description</label>
              <textarea id="description" rows={2} value={values.description} onInput={(e) => change('description', { ...values, description: e.currentTarget.value })} />
              {errorOf('description') && <p class="error-message">{errorOf('description')}</p>}
            </div>
            {loaded.fields.map((field) => (
              <InputField key={field.id} field={field} value={values.inputs[field.key]} error={errorOf(field.id)} onChange={(value) => setInput(field, value)} />
            ))}
            {values.filters && <PropertyFilters value={values.filters} onChange={(filters, part) => change(part, { ...values, filters })} errorOf={errorOf} suggestions={suggestions} />}
          </div>
          <div class="save-bar">
            {dirty && !isNew && <span class="muted">Unsaved changes</span>}
            <button type="submit" class="button primary" disabled={button.disabled}>
              {button.label}
            </button>
          </div>
        </form>
      )}
    </div>
  )
}

function readFunction(client: ApiClient, functionId: string): Promise<HogFunction> {
  return client.request<HogFunction>('GET', client.project(`hog_functions/${encodeURIComponent(functionId)}/`))
}

/** The template's mapping templates, which the Mappings tab lists and adds from. */
async function mappingTemplatesOf(client: ApiClient, fn: HogFunction): Promise<MappingTemplate[]> {
  if (!fn.template?.id) return []
  const template = await client.request<Template>('GET', client.project(`hog_function_templates/${encodeURIComponent(fn.template.id)}/`))
  return template.mapping_templates ?? []
}

/** The problems on mapping fields: the server's first, then those found before saving. */
function mappingErrors(server: Record<string, string>, found: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const [id, message] of Object.entries({ ...found, ...server })) if (isMappingField(id)) errors[id] = message
  return errors
}

function DestinationTabs({ functionId, current }: { functionId: string; current: DestinationTab }) {
  return (
    <nav class="tabs" aria-label="Destination sections">
      {DESTINATION_TABS.map((tab) => (
        <a key={tab} class={tab === current ? 'tab active' : 'tab'} aria-current={tab === current ? 'page' : undefined} href={routeHash({ name: 'destination', id: functionId, tab })}>
          {TAB_LABELS[tab]}
        </a>
      ))}
    </nav>
  )
}
