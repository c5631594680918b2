import { useRef } from 'preact/hooks'
import type { Field, FieldValue, SecretValue } from '../form-model'

interface Props {
  field: Field
  value: FieldValue
  error?: string
  onChange: (value: FieldValue) => void
}

/** The ids that tie a field's control to its description and its error, for screen readers. */
export function describedBy(id: string, description: string, error: string | undefined): string | undefined {
  const ids = [description ? `${id}-description` : '', error ? `${id}-error` : ''].filter(Boolean)
  return ids.length > 0 ? ids.join(' ') : undefined
}

function SecretControl({ field, value, error, onChange }: Props & { value: SecretValue }) {
  const input = useRef<HTMLInputElement>(null)
  if (value.set) {
    return (
      <div class="secret-set">
        <span class="badge success" id={`${field.id}-state`}>
          Set
        </span>
        <span class="muted small">Saved on the server; it is never shown again.</span>
        <button
          id={`${field.id}-replace`}
          type="button"
          class="button small"
          aria-describedby={`${field.id}-state ${field.id}-label`}
          onClick={() => {
            onChange({ set: false, value: '' })
            setTimeout(() => document.getElementById(field.id)?.focus())
          }}
        >
          Replace
        </button>
      </div>
    )
  }
  return (
    <input
      ref={input}
      id={field.id}
      type="password"
      autocomplete="new-password"
      spellcheck={false}
      value={value.value}
      aria-invalid={error ? 'true' : undefined}
      aria-describedby={describedBy(field.id, field.description, error)}
      onInput={(e) => onChange({ set: false, value: e.currentTarget.value })}
    />
  )
}

function DictionaryControl({ field, value, onChange }: Props & { value: [string, string][] }) {
  const set = (i: number, entry: [string, string]) => onChange(value.map((e, j) => (j === i ? entry : e)))
  return (
    <div class="dictionary" id={field.id}>
      {value.map(([key, text], i) => (
        <div class="dictionary-row" key={i}>
          <label class="visually-hidden" for={`${field.id}-key-${i}`}>
            {field.label} key {i + 1}
          </label>
          <input id={`${field.id}-key-${i}`} value={key} onInput={(e) => set(i, [e.currentTarget.value, text])} />
          <label class="visually-hidden" for={`${field.id}-value-${i}`}>
            {field.label} value {i + 1}
          </label>
          <input id={`${field.id}-value-${i}`} value={text} onInput={(e) => set(i, [key, e.currentTarget.value])} />
          <button type="button" class="button ghost small" aria-label={`Remove ${key || `entry ${i + 1}`}`} onClick={() => onChange(value.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" class="button small" onClick={() => onChange([...value, ['', '']])}>
        Add entry
      </button>
    </div>
  )
}

function Control(props: Props) {
  const { field, value, error, onChange } = props
  const common = {
    id: field.id,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy(field.id, field.description, error),
  }
  switch (field.kind) {
    case 'secret':
      return <SecretControl {...props} value={value as SecretValue} />
    case 'boolean':
      return <input {...common} type="checkbox" role="switch" class="switch" aria-checked={value === true} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
    case 'choice':
      return (
        <select {...common} aria-required={field.required} value={value as string} onChange={(e) => onChange(e.currentTarget.value)}>
          {!field.required && <option value="">—</option>}
          {field.choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      )
    case 'dictionary':
      return <DictionaryControl {...props} value={value as [string, string][]} />
    case 'json':
      return <textarea {...common} aria-required={field.required} rows={6} spellcheck={false} value={value as string} onInput={(e) => onChange(e.currentTarget.value)} />
    default:
      return <input {...common} aria-required={field.required} type="text" spellcheck={false} value={value as string} onInput={(e) => onChange(e.currentTarget.value)} />
  }
}

/** One input of the template: label, control, description and the problem found, if any. */
export function InputField(props: Props) {
  const { field, error } = props
  const label = (
    <>
      {field.label}
      {field.required && <span class="required"> (required)</span>}
    </>
  )
  const notes = (
    <>
      {field.description && (
        <p id={`${field.id}-description`} class="description">
          {field.description}
        </p>
      )}
      {error && (
        <p id={`${field.id}-error`} class="error-message">
          {error}
        </p>
      )}
    </>
  )
  // A dictionary is several inputs: a fieldset whose legend names them all.
  if (field.kind === 'dictionary')
    return (
      <fieldset class="field" data-field={field.id} aria-describedby={describedBy(field.id, field.description, error)}>
        <legend>{label}</legend>
        <Control {...props} />
        {notes}
      </fieldset>
    )
  return (
    <div class={field.kind === 'boolean' ? 'field switch-field' : 'field'} data-field={field.id}>
      <label id={`${field.id}-label`} for={field.id}>
        {label}
      </label>
      <Control {...props} />
      {notes}
    </div>
  )
}
