import { useState } from 'preact/hooks'
import { filtersScope, type MappingDraft, type MappingInput, type MappingValue, mappingFieldId, shownValue } from '../mappings'
import type { FiltersValue } from '../property-filters'
import { EventPicker } from './EventPicker'
import { describedBy } from './InputField'
import { PropertyFilters } from './PropertyFilters'
import { TemplateField, type TemplateSuggestions } from './TemplateField'

export interface EditorProps {
  draft: MappingDraft
  schema: MappingInput[]
  errors: Record<string, string>
  suggestions: TemplateSuggestions
  onRename: (name: string) => void
  onEvents: (events: string[]) => void
  /** `part`: the id of the filter part that changed. */
  onFilters: (filters: FiltersValue, part: string) => void
  onInput: (key: string, value: MappingValue, fieldId: string) => void
  onDuplicate: () => void
  onRemove: () => void
}

const CUSTOM = '__custom__'

/** A choice; one that takes a name of its own (Pinterest's custom event names) offers a text box for it. */
function ChoiceInput({ id, input, value, error, onChange }: { id: string; input: MappingInput; value: string; error?: string; onChange: (value: string) => void }) {
  const listed = input.choices.some((c) => c.value === value)
  const [custom, setCustom] = useState(value !== '' && !listed)
  const customId = `${id}-custom`
  return (
    <div class="field" data-field={id}>
      <label for={id}>
        {input.label}
        {input.required && <span class="required"> (required)</span>}
      </label>
      <select
        id={id}
        value={custom ? CUSTOM : value}
        aria-invalid={error && !custom ? 'true' : undefined}
        aria-describedby={describedBy(id, input.description, custom ? undefined : error)}
        onChange={(e) => {
          const picked = e.currentTarget.value
          setCustom(picked === CUSTOM)
          onChange(picked === CUSTOM ? '' : picked)
          if (picked === CUSTOM) setTimeout(() => document.getElementById(customId)?.focus())
        }}
      >
        {!input.required && <option value="">—</option>}
        {input.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
        {!listed && !input.allowCustom && value !== '' && <option value={value}>{value}</option>}
        {input.allowCustom && <option value={CUSTOM}>Custom name…</option>}
      </select>
      {custom && (
        <div class="custom-choice">
          <label for={customId}>Custom {input.label.toLowerCase()}</label>
          <input
            id={customId}
            type="text"
            spellcheck={false}
            value={value}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onInput={(e) => onChange(e.currentTarget.value)}
          />
        </div>
      )}
      {input.description && (
        <p id={`${id}-description`} class="description">
          {input.description}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </div>
  )
}

/** A dictionary input: one template field per key, keys renamed, added and removed. */
function DictionaryInput({
  id,
  input,
  value,
  errors,
  suggestions,
  onChange,
}: {
  id: string
  input: MappingInput
  value: [string, string][]
  errors: Record<string, string>
  suggestions: TemplateSuggestions
  onChange: (value: [string, string][], fieldId: string) => void
}) {
  const set = (i: number, entry: [string, string], fieldId: string) =>
    onChange(
      value.map((e, j) => (j === i ? entry : e)),
      fieldId,
    )
  const error = errors[id]
  return (
    <fieldset class="field dictionary-input" data-field={id} aria-describedby={describedBy(id, input.description, error)}>
      <legend>{input.label}</legend>
      {input.description && (
        <p id={`${id}-description`} class="description">
          {input.description}
        </p>
      )}
      {value.map(([key, text], i) => {
        const keyId = `${id}-key-${i}`
        const keyError = errors[keyId]
        return (
          <div class="dictionary-entry" key={i}>
            <div class="entry-key">
              <label for={keyId}>Key</label>
              <input
                id={keyId}
                type="text"
                spellcheck={false}
                value={key}
                aria-invalid={keyError ? 'true' : undefined}
                aria-describedby={keyError ? `${keyId}-error` : undefined}
                onInput={(e) => set(i, [e.currentTarget.value, text], keyId)}
              />
              {keyError && (
                <p id={`${keyId}-error`} class="error-message">
                  {keyError}
                </p>
              )}
            </div>
            <div class="entry-value">
              <TemplateField
                id={`${id}-value-${i}`}
                label={`${input.label}: ${key || `entry ${i + 1}`}`}
                value={text}
                suggestions={suggestions}
                error={errors[`${id}-value-${i}`]}
                onChange={(next) => set(i, [key, next], `${id}-value-${i}`)}
              />
            </div>
            <button
              type="button"
              class="button ghost small"
              aria-label={`Remove ${input.label} ${key || `entry ${i + 1}`}`}
              onClick={() =>
                onChange(
                  value.filter((_, j) => j !== i),
                  id,
                )
              }
            >
              Remove
            </button>
          </div>
        )
      })}
      <button
        type="button"
        class="button small"
        onClick={() => {
          onChange([...value, ['', '']], id)
          setTimeout(() => document.getElementById(`${id}-key-${value.length}`)?.focus())
        }}
      >
        Add {input.label.toLowerCase()} key
      </button>
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </fieldset>
  )
}

function Input({ draft, input, errors, suggestions, onInput }: Pick<EditorProps, 'draft' | 'errors' | 'suggestions' | 'onInput'> & { input: MappingInput }) {
  const id = mappingFieldId(draft.key, `input-${input.key}`)
  const value = shownValue(draft, input)
  if (Array.isArray(value)) return <DictionaryInput id={id} input={input} value={value} errors={errors} suggestions={suggestions} onChange={(next, fieldId) => onInput(input.key, next, fieldId)} />
  if (input.kind === 'choice') return <ChoiceInput id={id} input={input} value={value} error={errors[id]} onChange={(next) => onInput(input.key, next, id)} />
  return (
    <TemplateField
      id={id}
      label={input.label}
      description={input.description}
      value={value}
      required={input.required}
      error={errors[id]}
      suggestions={suggestions}
      onChange={(next) => onInput(input.key, next, id)}
    />
  )
}

/** The fields of one expanded mapping. */
export function MappingEditor(props: EditorProps) {
  const { draft, schema, errors, suggestions } = props
  const nameId = mappingFieldId(draft.key, 'name')
  const own = errors[mappingFieldId(draft.key)]
  return (
    <div class="mapping-body" id={mappingFieldId(draft.key, 'body')}>
      {own && (
        <p id={mappingFieldId(draft.key)} class="error-message" tabIndex={-1}>
          {own}
        </p>
      )}
      {draft.disabled && <p class="mapping-off-note">This mapping is off: no event runs through it until it is switched on and saved.</p>}
      <div class="field" data-field={nameId}>
        <label for={nameId}>Mapping name</label>
        <input
          id={nameId}
          type="text"
          value={draft.name}
          aria-required="true"
          aria-invalid={errors[nameId] ? 'true' : undefined}
          aria-describedby={errors[nameId] ? `${nameId}-error` : undefined}
          onInput={(e) => props.onRename(e.currentTarget.value)}
        />
        {errors[nameId] && (
          <p id={`${nameId}-error`} class="error-message">
            {errors[nameId]}
          </p>
        )}
      </div>
      <EventPicker
        id={mappingFieldId(draft.key, 'events')}
        label="Trigger events"
        inputLabel={`Event that triggers ${draft.name || 'this mapping'}`}
        events={draft.events}
        known={suggestions.events}
        error={errors[mappingFieldId(draft.key, 'events')]}
        emptyText="All events (no trigger event chosen)."
        onChange={props.onEvents}
      />
      <PropertyFilters
        scope={filtersScope(draft.key)}
        description={`${draft.name || 'This mapping'} takes only the trigger events that match all of these property filters.`}
        value={draft.filters}
        onChange={props.onFilters}
        errorOf={(id) => errors[id]}
        suggestions={suggestions}
      />
      {schema.map((input) => (
        <Input key={input.key} draft={draft} input={input} errors={errors} suggestions={suggestions} onInput={props.onInput} />
      ))}
      <div class="mapping-actions">
        <button type="button" class="button small" onClick={props.onDuplicate}>
          Duplicate {draft.name}
        </button>
        <button type="button" class="button ghost small danger" onClick={props.onRemove}>
          Remove {draft.name}
        </button>
      </div>
    </div>
  )
}
