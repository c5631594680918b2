import { LOG_PRESETS, type LogPreset } from '../periods'

/** A preset period or a custom from–to (datetime-local values), as the Logs and Deliveries toolbars choose it. */
export interface TimeRange {
  preset: LogPreset
  custom: { from: string; to: string }
}

/** The time range fields of a toolbar; `idPrefix` keeps their ids (and so their labels) apart per tab. */
export function TimeRangeFields({ idPrefix, range, onChange }: { idPrefix: string; range: TimeRange; onChange: (patch: Partial<TimeRange>) => void }) {
  return (
    <>
      <div class="field inline">
        <label for={`${idPrefix}-range`}>Time range</label>
        <select id={`${idPrefix}-range`} value={range.preset} onChange={(e) => onChange({ preset: e.currentTarget.value as LogPreset })}>
          {LOG_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {range.preset === 'custom' && (
        <>
          <div class="field inline">
            <label for={`${idPrefix}-from`}>From</label>
            <input id={`${idPrefix}-from`} type="datetime-local" step={1} value={range.custom.from} onChange={(e) => onChange({ custom: { ...range.custom, from: e.currentTarget.value } })} />
          </div>
          <div class="field inline">
            <label for={`${idPrefix}-to`}>To</label>
            <input id={`${idPrefix}-to`} type="datetime-local" step={1} value={range.custom.to} onChange={(e) => onChange({ custom: { ...range.custom, to: e.currentTarget.value } })} />
          </div>
        </>
      )}
    </>
  )
}
