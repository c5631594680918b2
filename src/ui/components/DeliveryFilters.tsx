import { type ReasonCount, STATUS_CHOICES, type StatusChoice } from '../deliveries'
import { LOG_PRESETS, type LogPreset } from '../periods'

/** The Deliveries tab's filters as chosen, before the time range is read. */
export interface DeliveryForm {
  status: StatusChoice
  mapping: string
  reason: string
  preset: LogPreset
  custom: { from: string; to: string }
}

export const INITIAL_DELIVERY_FORM: DeliveryForm = { status: 'both', mapping: '', reason: '', preset: '7d', custom: { from: '', to: '' } }

/** Status, mapping, reason (with its count) and time range of the failed deliveries shown. */
export function DeliveryFilters({
  form,
  mappings,
  reasons,
  onChange,
  onRefresh,
}: {
  form: DeliveryForm
  mappings: string[]
  reasons: ReasonCount[]
  onChange: (patch: Partial<DeliveryForm>) => void
  onRefresh: () => void
}) {
  const reasonOptions = reasons.some((r) => r.reason === form.reason) || !form.reason ? reasons : [...reasons, { reason: form.reason, label: form.reason, count: 0 }]
  return (
    <form class="toolbar delivery-filters" aria-label="Filter failed deliveries" onSubmit={(e) => e.preventDefault()}>
      <div class="field inline">
        <label for="deliveries-status">Status</label>
        <select id="deliveries-status" value={form.status} onChange={(e) => onChange({ status: e.currentTarget.value as StatusChoice })}>
          {STATUS_CHOICES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field inline">
        <label for="deliveries-mapping">Mapping</label>
        <select id="deliveries-mapping" value={form.mapping} onChange={(e) => onChange({ mapping: e.currentTarget.value })}>
          <option value="">All mappings</option>
          {[...new Set(mappings.filter(Boolean))].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div class="field inline">
        <label for="deliveries-reason">Reason</label>
        <select id="deliveries-reason" value={form.reason} onChange={(e) => onChange({ reason: e.currentTarget.value })}>
          <option value="">All reasons</option>
          {reasonOptions.map((r) => (
            <option key={r.reason} value={r.reason}>
              {r.label} ({r.count.toLocaleString('en-US')})
            </option>
          ))}
        </select>
      </div>
      <div class="field inline">
        <label for="deliveries-range">Time range</label>
        <select id="deliveries-range" value={form.preset} onChange={(e) => onChange({ preset: e.currentTarget.value as LogPreset })}>
          {LOG_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {form.preset === 'custom' && (
        <>
          <div class="field inline">
            <label for="deliveries-from">From</label>
            <input id="deliveries-from" type="datetime-local" step={1} value={form.custom.from} onChange={(e) => onChange({ custom: { ...form.custom, from: e.currentTarget.value } })} />
          </div>
          <div class="field inline">
            <label for="deliveries-to">To</label>
            <input id="deliveries-to" type="datetime-local" step={1} value={form.custom.to} onChange={(e) => onChange({ custom: { ...form.custom, to: e.currentTarget.value } })} />
          </div>
        </>
      )}
      <button type="button" class="button" onClick={onRefresh}>
        Refresh
      </button>
    </form>
  )
}
