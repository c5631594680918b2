import type { ComponentChildren } from 'preact'
import { FILTER_TYPES, FUNCTION_FILTERS, type FiltersValue, type FilterRow, filterPartId, needsValue, newRow, OPERATORS, type Operator } from '../property-filters'
import type { TemplateSuggestions } from '../template-completions'
import { describedBy } from './InputField'

interface Props {
  value: FiltersValue
  /** `part`: the id of the part that changed (its server error is then gone), or `filters` for a whole row. */
  onChange: (value: FiltersValue, part: string) => void
  /** The problem shown at a part, by part id (`filters__properties__0__value`). */
  errorOf: (id: string) => string | undefined
  suggestions: TemplateSuggestions
  /** Whose filters: the function's (the default) or a mapping's (`mapping-<key>-filters`); prefixes the ids. */
  scope?: string
  /** What the filters decide, under the legend. */
  description?: string
}

type Lists = Record<FilterRow['type'], string>

/** The ids of a scope's own elements: the function's keep the names they always had. */
function idsOf(scope: string) {
  const own = scope === FUNCTION_FILTERS ? '' : `${scope}-`
  return {
    lists: { event: `${own}filter-event-properties`, person: `${own}filter-person-properties` } as Lists,
    add: `${own}add-property-filter`,
    description: `${own}property-filters-description`,
  }
}

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

interface RowProps {
  row: FilterRow
  index: number
  scope: string
  lists: Lists
  onChange: (row: FilterRow, part: string) => void
  onRemove: () => void
  errorOf: Props['errorOf']
}

function Row({ row, index, scope, lists, onChange, onRemove, errorOf }: RowProps) {
  const part = (name: 'type' | 'key' | 'operator' | 'value') => filterPartId(index, name, scope)
  const ids = { type: part('type'), key: part('key'), operator: part('operator'), value: part('value') }
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
          list={lists[row.type]}
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

const FUNCTION_DESCRIPTION = "Only events that match all of these property filters are sent (on top of each mapping's own trigger)."

/** Property filters: an event goes on (to the destination, or through a mapping) only when it matches all of them. */
export function PropertyFilters({ value, onChange, errorOf, suggestions, scope = FUNCTION_FILTERS, description = FUNCTION_DESCRIPTION }: Props) {
  const ids = idsOf(scope)
  const setRows = (rows: FilterRow[], part = scope) => onChange({ ...value, rows }, part)
  const add = () => {
    setRows([...value.rows, newRow()])
    const id = filterPartId(value.rows.length, 'key', scope)
    setTimeout(() => document.getElementById(id)?.focus())
  }
  // The focus goes to the button that adds filters, not to the page's start, when its row is gone.
  const remove = (index: number) => {
    setRows(value.rows.filter((_, j) => j !== index))
    setTimeout(() => document.getElementById(ids.add)?.focus())
  }
  return (
    <fieldset class="property-filters" aria-describedby={ids.description}>
      <legend>Filters</legend>
      <p id={ids.description} class="description">
        {description}
      </p>
      {value.rows.length > 0 && (
        <ul class="property-filter-list">
          {value.rows.map((row, i) => (
            <Row
              key={i}
              row={row}
              index={i}
              scope={scope}
              lists={ids.lists}
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
      <button type="button" id={ids.add} class="button small" onClick={add}>
        Add filter
      </button>
      <datalist id={ids.lists.event}>
        {suggestions.eventProperties.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <datalist id={ids.lists.person}>
        {suggestions.personProperties.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </fieldset>
  )
}
