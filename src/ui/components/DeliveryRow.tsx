import { utcMinute } from '../function-status'
import { type Delivery, payloadText } from '../deliveries'

const STATUS_TEXT: Record<Delivery['status'], string> = { failed: 'Failed', gave_up: 'Given up' }

/** One failed delivery: what, when and why, a checkbox when it can be replayed (else why not), and its details. */
export function DeliveryRow({ delivery, reason, selected, onSelect }: { delivery: Delivery; reason: string; selected: boolean; onSelect: (on: boolean) => void }) {
  const id = `delivery-${delivery.id}`
  const name = delivery.event_name ?? 'an event'
  return (
    <li class="delivery" data-testid="delivery" data-delivery-id={delivery.id} data-event-id={delivery.event_id}>
      <div class="delivery-main">
        <input
          id={`${id}-select`}
          type="checkbox"
          class="delivery-check"
          checked={selected && delivery.replayable}
          disabled={!delivery.replayable}
          aria-describedby={!delivery.replayable && delivery.not_replayable_reason ? `${id}-why` : undefined}
          onChange={(e) => onSelect(e.currentTarget.checked)}
        />
        <label for={`${id}-select`} class="visually-hidden">
          Select {name} of {utcMinute(delivery.updated_at)} (delivery {delivery.id})
        </label>
        <div class="delivery-summary">
          <div class="delivery-head">
            <time dateTime={delivery.updated_at}>{utcMinute(delivery.updated_at)}</time>
            <span class="badge">{STATUS_TEXT[delivery.status]}</span>
            <span class="delivery-mapping">{delivery.mapping ?? '(no mapping)'}</span>
            <span class="delivery-event-name">{delivery.event_name ?? '(no event name)'}</span>
          </div>
          <p class="delivery-reason">
            <strong data-testid="delivery-reason">{reason}</strong>
            {delivery.last_error && <span data-testid="delivery-error"> — {delivery.last_error}</span>}
          </p>
          <p class="muted small">
            {delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`}
            {!delivery.replayable && delivery.not_replayable_reason && (
              <span id={`${id}-why`} data-testid="not-replayable">
                {' '}
                · Not replayable: {delivery.not_replayable_reason}
              </span>
            )}
          </p>
        </div>
      </div>
      <details class="delivery-details">
        <summary>
          Details<span class="visually-hidden"> of delivery {delivery.id}</span>
        </summary>
        <h4>PostHog event</h4>
        {delivery.event ? (
          <dl class="delivery-event">
            <dt>UUID</dt>
            <dd>{delivery.event.uuid}</dd>
            <dt>Event</dt>
            <dd>{delivery.event.event}</dd>
            <dt>Distinct ID</dt>
            <dd>{delivery.event.distinct_id ?? '(none)'}</dd>
            <dt>Time</dt>
            <dd>
              <time dateTime={delivery.event.timestamp}>{utcMinute(delivery.event.timestamp)}</time>
            </dd>
          </dl>
        ) : (
          <p class="muted">The stored event is no longer kept{delivery.event_uuid ? ` (UUID ${delivery.event_uuid})` : ''}.</p>
        )}
        <h4>Pinterest event (event_id {delivery.event_id})</h4>
        <pre class="delivery-payload" data-testid="delivery-payload">
          {payloadText(delivery.payload)}
        </pre>
      </details>
    </li>
  )
}
