import type { ComponentChildren } from 'preact'
import { FILTER_TYPES, type FiltersValue, type FilterRow, filterPartId, needsValue, newRow, OPERATORS, type Operator } from '../property-filters'
import type { TemplateSuggestions } from '../template-completions'
import { describedBy } from './InputField'

interface Props {
  value: FiltersValue
  /** `part`: the id of the part that changed (its server error is then gone), or `filters` for a whole row. */
  onChange: (value: FiltersValue, part: string) => void
  /** The problem shown at a part, by part id (`filters__properties__0__value`). */
  errorOf: (id: string) => string | undefined
  suggestions: TemplateSuggestions
}

const LISTS = { event: 'filter-event-properties', person: 'filter-person-properties' }

function Part({ id, label, error, className, children }: { id: string; label: string; error?: string; className: string; children: ComponentChildren }) {
  return (
    <div class={`filter-part ${className}`}>
      <label class="small" for={id}>
        {label}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} class="error-message small">
          {error}
        </p>
      )}
    </div>
  )
}

function Row({ row, index, onChange, onRemove, errorOf }: { row: FilterRow; index: number; onChange: (row: FilterRow, part: string) => void; onRemove: () => void; errorOf: Props['errorOf'] }) {
  const ids = { type: filterPartId(index, 'type'), key: filterPartId(index, 'key'), operator: filterPartId(index, 'operator'), value: filterPartId(index, 'value') }
  const invalid = (id: string) => (errorOf(id) ? ('true' as const) : undefined)
  const n = index + 1
  return (
    <li class="property-filter" aria-label={`Filter ${n}`}>
      <Part id={ids.type} label={`Filter ${n}: type`} error={errorOf(ids.type)} className="type">
        <select id={ids.type} value={row.type} aria-invalid={invalid(ids.type)} onChange={(e) => onChange({ ...row, type: e.currentTarget.value as FilterRow['type'] }, ids.type)}>
          {FILTER_TYPES.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
      </Part>
      <Part id={ids.key} label={`Filter ${n}: property`} error={errorOf(ids.key)} className="key">
        <input
          id={ids.key}
          type="text"
          list={LISTS[row.type]}
          spellcheck={false}
          autocomplete="off"
          value={row.key}
          aria-invalid={invalid(ids.key)}
          aria-describedby={describedBy(ids.key, '', errorOf(ids.key))}
          onInput={(e) => onChange({ ...row, key: e.currentTarget.value }, ids.key)}
        />
      </Part>
      <Part id={ids.operator} label={`Filter ${n}: operator`} error={errorOf(ids.operator)} className="operator">
        <select id={ids.operator} value={row.operator} aria-invalid={invalid(ids.operator)} onChange={(e) => onChange({ ...row, operator: e.currentTarget.value as Operator }, ids.operator)}>
          {OPERATORS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Part>
      {needsValue(row.operator) ? (
        <Part id={ids.value} label={`Filter ${n}: value`} error={errorOf(ids.value)} className="value">
          <input
            id={ids.value}
            type="text"
            spellcheck={false}
            value={row.value}
            aria-invalid={invalid(ids.value)}
            aria-describedby={describedBy(ids.value, '', errorOf(ids.value))}
            onInput={(e) => onChange({ ...row, value: e.currentTarget.value }, ids.value)}
          />
        </Part>
      ) : (
        <div class="filter-part value" />
      )}
      <button type="button" class="button ghost small" aria-label={`Remove filter ${n}`} onClick={onRemove}>
        Remove
      </button>
    </li>
  )
}

/** The function-wide property filters: an event goes to the destination only when it matches all of them. */
export function PropertyFilters({ value, onChange, errorOf, suggestions }: Props) {
  const setRows = (rows: FilterRow[], part = 'filters') => onChange({ ...value, rows }, part)
  const add = () => {
    setRows([...value.rows, newRow()])
    const id = filterPartId(value.rows.length, 'key')
    setTimeout(() => document.getElementById(id)?.focus())
  }
  // The focus goes to the button that adds filters, not to the page's start, when its row is gone.
  const remove = (index: number) => {
    setRows(value.rows.filter((_, j) => j !== index))
    setTimeout(() => document.getElementById('add-property-filter')?.focus())
  }
  return (
    <fieldset class="property-filters" aria-describedby="property-filters-description">
      <legend>Filters</legend>
      <p id="property-filters-description" class="description">
        Only events that match all of these property filters are sent (on top of each mapping's own trigger).
      </p>
      {value.rows.length > 0 && (
        <ul class="property-filter-list">
          {value.rows.map((row, i) => (
            <Row
              key={i}
              row={row}
              index={i}
              errorOf={errorOf}
              onChange={(next, part) =>
                setRows(
                  value.rows.map((r, j) => (j === i ? next : r)),
                  part,
                )
              }
              onRemove={() => remove(i)}
            />
          ))}
        </ul>
      )}
      <button type="button" id="add-property-filter" class="button small" onClick={add}>
        Add filter
      </button>
      <datalist id={LISTS.event}>
        {suggestions.eventProperties.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id={LISTS.person}>
        {suggestions.personProperties.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </fieldset>
  )
}
