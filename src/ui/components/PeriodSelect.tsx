import { PERIODS, type PeriodId } from '../periods'

/** The "Period" choice of the tabs that show figures over time (last 24 hours, 7 or 30 days). */
export function PeriodSelect({ id, value, onChange }: { id: string; value: PeriodId; onChange: (period: PeriodId) => void }) {
  return (
    <div class="field inline">
      <label for={id}>Period</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as PeriodId)}>
        {PERIODS.map((p) => (
          <option key={p.id} value={p.id}>
            Last {p.label}
          </option>
        ))}
      </select>
    </div>
  )
}
