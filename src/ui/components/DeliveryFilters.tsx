import { type ReasonCount, STATUS_CHOICES, type StatusChoice } from '../deliveries'
import { type TimeRange, TimeRangeFields } from './TimeRangeFields'

/** The Deliveries tab's filters as chosen, before the time range is read. */
export interface DeliveryForm extends TimeRange {
  status: StatusChoice
  mapping: string
  reason: string
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
      <TimeRangeFields idPrefix="deliveries" range={form} onChange={onChange} />
      <button type="button" class="button" onClick={onRefresh}>
        Refresh
      </button>
    </form>
  )
}
