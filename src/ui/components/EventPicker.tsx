import { useState } from 'preact/hooks'

/**
 * A list of event names with a text box to add one: any name can be typed, the project's recent events are
 * offered. Enter adds the name (it would otherwise submit the destination's form).
 */
export function EventPicker({
  id,
  label,
  inputLabel,
  events,
  known,
  onChange,
  error,
  emptyText,
}: {
  id: string
  label: string
  /** The text box's own label, which names what the events trigger. */
  inputLabel: string
  events: string[]
  known: string[]
  onChange: (events: string[]) => void
  error?: string
  emptyText: string
}) {
  const [typed, setTyped] = useState('')
  const add = () => {
    const name = typed.trim()
    if (name === '') return
    onChange([...events.filter((e) => e !== name), name])
    setTyped('')
  }
  return (
    <fieldset class="field event-picker" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{label}</legend>
      {events.length === 0 ? (
        <p class="muted small">{emptyText}</p>
      ) : (
        <ul class="event-chips">
          {events.map((name) => (
            <li key={name} class="event-chip">
              <span>{name}</span>
              <button type="button" class="button ghost small" aria-label={`Remove trigger ${name}`} onClick={() => onChange(events.filter((e) => e !== name))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="event-add">
        <label class="visually-hidden" for={id}>
          {inputLabel}
        </label>
        <input
          id={id}
          type="text"
          list={`${id}-known`}
          spellcheck={false}
          placeholder="Event name, e.g. Order Completed"
          value={typed}
          aria-invalid={error ? 'true' : undefined}
          onInput={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return
            e.preventDefault()
            add()
          }}
        />
        <datalist id={`${id}-known`}>
          {known.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <button type="button" class="button small" onClick={add} disabled={typed.trim() === ''}>
          Add event
        </button>
      </div>
      {error && (
        <p id={`${id}-error`} class="error-message">
          {error}
        </p>
      )}
    </fieldset>
  )
}
