import { useState } from 'preact/hooks'
import {
  addFromTemplate,
  addOptions,
  blankTemplate,
  choiceLabel,
  draftKeyOf,
  duplicate,
  type MappingDraft,
  type MappingInput,
  type MappingTemplate,
  type MappingValue,
  mappingFieldId,
  remove,
  rename,
  schemaOf,
  setDisabled,
  setEvents,
  setFilters,
  setInput,
  templateEvents,
} from '../mappings'
import { EventPicker } from './EventPicker'
import { MappingEditor } from './MappingEditor'
import type { TemplateSuggestions } from './TemplateField'

export interface MappingsTabProps {
  /** Names seen in the project's recent events, for the trigger picker and the template fields. */
  suggestions: TemplateSuggestions
  drafts: MappingDraft[]
  templates: MappingTemplate[]
  errors: Record<string, string>
  /** A new list of drafts; `fieldId` names the field that changed, whose server error is then out of date. */
  onChange: (drafts: MappingDraft[], fieldId?: string) => void
}

const focusSoon = (id: string) => setTimeout(() => document.getElementById(id)?.focus())

/** "New mapping": a mapping template, and the trigger events of the new mapping. */
function NewMapping({
  drafts,
  templates,
  suggestions,
  onAdd,
}: {
  drafts: MappingDraft[]
  templates: MappingTemplate[]
  suggestions: TemplateSuggestions
  onAdd: (template: MappingTemplate, events: string[]) => void
}) {
  const options = addOptions(drafts, templates)
  const [open, setOpen] = useState(false)
  const [picked, setPicked] = useState(options[0]?.name ?? '')
  const template = options.find((t) => t.name === picked) ?? options[0]
  const [events, setPickedEvents] = useState<string[]>([])
  if (!open || !template)
    return (
      <button
        type="button"
        class="button"
        disabled={options.length === 0}
        onClick={() => {
          setOpen(true)
          setPicked(options[0]?.name ?? '')
          setPickedEvents(options[0] ? templateEvents(options[0]) : [])
          focusSoon('new-mapping-template')
        }}
      >
        New mapping
      </button>
    )
  const custom = template === blankTemplate(templates)
  return (
    <section class="card new-mapping" aria-labelledby="new-mapping-title">
      <h3 id="new-mapping-title">New mapping</h3>
      <div class="field">
        <label for="new-mapping-template">Mapping</label>
        <select
          id="new-mapping-template"
          value={template.name}
          onChange={(e) => {
            const next = options.find((t) => t.name === e.currentTarget.value)
            setPicked(e.currentTarget.value)
            setPickedEvents(next ? templateEvents(next) : [])
          }}
        >
          {options.map((t) => (
            <option key={t.name} value={t.name}>
              {t === blankTemplate(templates) ? `${t.name} (custom event)` : t.name}
            </option>
          ))}
        </select>
      </div>
      <EventPicker
        id="new-mapping-events"
        label="Trigger events"
        inputLabel="Event that triggers the new mapping"
        events={events}
        known={suggestions.events}
        emptyText={custom ? 'Pick or type the event that triggers it; with none, every event does.' : 'Every event triggers it.'}
        onChange={setPickedEvents}
      />
      <div class="mapping-actions">
        <button
          type="button"
          class="button primary"
          onClick={() => {
            onAdd(template, events)
            setOpen(false)
          }}
        >
          Add mapping
        </button>
        <button type="button" class="button ghost" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </section>
  )
}

/** A mapping's action source as its choice's label, or the template that picks it per event. */
function ActionSource({ input, value }: { input: MappingInput | undefined; value: MappingValue | undefined }) {
  const text = typeof value === 'string' && value !== '' ? value : typeof input?.default === 'string' ? input.default : ''
  const label = choiceLabel(input, text)
  return <dd>{label === text && text.includes('{') ? <code>{text}</code> : label || '—'}</dd>
}

/** The destination's mappings: each one's trigger, action source and switch; expanded, its fields. */
export function MappingsTab({ suggestions, drafts, templates, errors, onChange }: MappingsTabProps) {
  const [expanded, setExpanded] = useState<Set<string>>(new Set())
  const withErrors = new Set(Object.keys(errors).map(draftKeyOf))
  const toggle = (key: string) => setExpanded((now) => new Set(now.has(key) ? [...now].filter((k) => k !== key) : [...now, key]))
  const add = (template: MappingTemplate, events: string[]) => {
    const next = addFromTemplate(drafts, template, events)
    onChange(next.drafts)
    setExpanded((now) => new Set([...now, next.key]))
    focusSoon(mappingFieldId(next.key, 'name'))
  }
  return (
    <div class="card form-card mappings">
      <h2>Mappings</h2>
      <p class="description">Each event runs through every mapping whose trigger it matches; each match sends one Pinterest event.</p>
      {drafts.length === 0 && <p class="mapping-off-note">No mappings: no event is sent to Pinterest.</p>}
      <ul class="mapping-list">
        {drafts.map((draft) => {
          const schema = schemaOf(draft, templates)
          const open = expanded.has(draft.key) || withErrors.has(draft.key)
          const source = draft.inputs.action_source
          const switchId = mappingFieldId(draft.key, 'enabled')
          const bodyId = mappingFieldId(draft.key, 'body')
          return (
            <li key={draft.key} class={draft.disabled ? 'mapping off' : 'mapping'}>
              <div class="mapping-row">
                <h3 class="mapping-title">
                  <button
                    type="button"
                    id={mappingFieldId(draft.key, 'toggle')}
                    class="mapping-toggle"
                    aria-expanded={open}
                    aria-controls={open ? bodyId : undefined}
                    onClick={() => toggle(draft.key)}
                  >
                    <span aria-hidden="true" class="chevron">
                      {open ? '▾' : '▸'}
                    </span>
                    {draft.name || 'Unnamed mapping'}
                  </button>
                </h3>
                <dl class="mapping-summary">
                  <dt>Trigger</dt>
                  <dd>{draft.events.length > 0 ? draft.events.join(', ') : 'All events'}</dd>
                  <dt>Action source</dt>
                  <ActionSource input={schema.find((i) => i.key === 'action_source')} value={source} />
                </dl>
                <div class="mapping-switch">
                  <label for={switchId} class="visually-hidden">
                    Send events through {draft.name || 'this mapping'}
                  </label>
                  <input
                    id={switchId}
                    type="checkbox"
                    role="switch"
                    class="switch"
                    checked={!draft.disabled}
                    aria-checked={!draft.disabled}
                    onChange={(e) => onChange(setDisabled(drafts, draft.key, !e.currentTarget.checked))}
                  />
                  <span class={draft.disabled ? 'badge' : 'badge success'}>{draft.disabled ? 'Off' : 'On'}</span>
                </div>
              </div>
              {open && (
                <MappingEditor
                  draft={draft}
                  schema={schema}
                  errors={errors}
                  suggestions={suggestions}
                  onRename={(name) => onChange(rename(drafts, draft.key, name), mappingFieldId(draft.key, 'name'))}
                  onEvents={(events) => onChange(setEvents(drafts, draft.key, events), mappingFieldId(draft.key, 'events'))}
                  onFilters={(filters, part) => onChange(setFilters(drafts, draft.key, filters), part)}
                  onInput={(key, value, fieldId) => onChange(setInput(drafts, draft.key, key, value), fieldId)}
                  onDuplicate={() => {
                    const next = duplicate(drafts, draft.key)
                    onChange(next)
                    const copy = next[next.findIndex((d) => d.key === draft.key) + 1]
                    setExpanded((now) => new Set([...now, copy.key]))
                    focusSoon(mappingFieldId(copy.key, 'name'))
                  }}
                  onRemove={() => {
                    const at = drafts.findIndex((d) => d.key === draft.key)
                    onChange(remove(drafts, draft.key))
                    const neighbour = drafts[at + 1] ?? drafts[at - 1]
                    focusSoon(neighbour ? mappingFieldId(neighbour.key, 'toggle') : 'new-mapping')
                  }}
                />
              )}
            </li>
          )
        })}
      </ul>
      <div id="new-mapping" tabIndex={-1} class="new-mapping-anchor">
        <NewMapping drafts={drafts} templates={templates} suggestions={suggestions} onAdd={add} />
      </div>
    </div>
  )
}
