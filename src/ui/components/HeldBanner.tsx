import { heldCountText, type Held, utcMinute } from '../function-status'
import { timeAgo } from '../destinations'

interface Props {
  held: Held
  /** Opens the Configuration tab with the control that changes `key` (one of `held.fix`) focused. */
  onFix: (key: string) => void
}

/** Above every tab of a held destination: why its deliveries wait, since when, how many, and what resumes them. */
export function HeldBanner({ held, onFix }: Props) {
  const since = utcMinute(held.since)
  return (
    <div class="held-banner" role="alert" data-testid="held-banner">
      <h2 class="held-title">
        <span class="badge degraded">Degraded</span> <span data-testid="held-count">{heldCountText(held.count)}</span> until the credentials change
      </h2>
      <p class="held-reason">{held.reason}</p>
      {since && (
        <p class="held-since">
          Held since <time dateTime={held.since}>{since}</time> ({timeAgo(held.since, Date.now())}).
        </p>
      )}
      <div class="held-actions">
        {held.fix.includes('conversion_token') && (
          <button type="button" class="button primary" onClick={() => onFix('conversion_token')}>
            Replace the conversion token
          </button>
        )}
        {held.fix.includes('ad_account_id') && (
          <p class="held-note">
            If the ad account is the one refused,{' '}
            <button type="button" class="link-button" onClick={() => onFix('ad_account_id')}>
              correct the Ad Account ID
            </button>{' '}
            instead. Saving either change sends the held deliveries.
          </p>
        )}
      </div>
    </div>
  )
}
