import { describedBy } from './InputField'

export interface TemplateSuggestions {
  events: string[]
  eventProperties: string[]
  personProperties: string[]
}

/** A Hog template input: a labelled text area with its description and error (the code editor replaces it). */
export function TemplateField(props: {
  id: string
  label: string
  description?: string
  value: string
  onChange: (value: string) => void
  error?: string
  suggestions: TemplateSuggestions
  required?: boolean
}) {
  const { id, label, description = '', value, onChange, error, required } = props
  return (
    <div class="field" data-field={id}>
      <label for={id}>{label}</label>
      <textarea
        id={id}
        rows={1}
        spellcheck={false}
        value={value}
        aria-required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(id, description, error)}
        onInput={(e) => onChange(e.currentTarget.value)}
      />
      {description && (
        <p id={`${id}-description`} class="description">
          {description}
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
