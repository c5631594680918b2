import type { LogGroup } from '../log-groups'
import { LEVEL_LABELS } from './LogFilters'

const timeText = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })

/** One event's lines (or one line): its time, level and summary, opened to show every line. */
export function LogGroupItem({ group, onlyEvent }: { group: LogGroup; onlyEvent?: (instanceId: string) => void }) {
  const { instanceId } = group
  return (
    <li class={`log-group level-${group.level}`} data-testid="log-group" data-instance-id={group.instanceId ?? undefined}>
      <details>
        <summary>
          <time dateTime={group.timestamp}>{timeText(group.timestamp)}</time>
          <span class={`badge level level-${group.level}`}>{LEVEL_LABELS[group.level]}</span>
          <span class="log-summary">{group.summary}</span>
          <span class="muted small log-count">
            {group.instanceId ? `event ${group.instanceId} · ` : ''}
            {group.lines.length === 1 ? '1 line' : `${group.lines.length} lines`}
          </span>
        </summary>
        <table class="list log-lines">
          <caption class="visually-hidden">Lines of this {group.instanceId ? 'event' : 'entry'}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Level</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {group.lines.map((line, i) => (
              <tr key={`${line.timestamp} ${i}`}>
                <td class="log-time">
                  <time dateTime={line.timestamp}>{timeText(line.timestamp)}</time>
                </td>
                <td>{LEVEL_LABELS[line.level]}</td>
                <td class="log-message">{line.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {instanceId && onlyEvent && (
          <button type="button" class="button small only-event" onClick={() => onlyEvent(instanceId)}>
            Show only this event's lines
          </button>
        )}
      </details>
    </li>
  )
}
