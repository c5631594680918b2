import type { StopReport } from '../server/server'
import { hideUrlCredentials } from '../secret'
import type { StoredFunction } from '../store/types'

/** Where deliveries go, said at start: the Pinterest URL and the enabled functions that send in test mode. */
export function deliveriesLine(apiUrl: string, active: Pick<StoredFunction, 'inputs'>[]): string {
  const inTest = active.filter((fn) => fn.inputs.test_mode?.value === true).length
  const functions = active.length === 1 ? '1 enabled function' : `${active.length} enabled functions`
  const testMode =
    active.length === 0
      ? 'no enabled functions yet'
      : inTest === 0
        ? `test mode off for all ${functions}`
        : `test mode on for ${inTest} of ${functions} (Pinterest checks those events but does not record them)`
  return `deliveries go to ${hideUrlCredentials(apiUrl)}; ${testMode}`
}

/** What a stop leaves for the next start. */
export function queuedLine(report: StopReport): string {
  const { pendingDeliveries: deliveries, unprocessedEvents: events } = report
  if (deliveries === 0 && events === 0) return 'nothing is queued'
  const parts = [`${deliveries} ${deliveries === 1 ? 'delivery' : 'deliveries'}`]
  if (events > 0) parts.push(`${events} captured ${events === 1 ? 'event' : 'events'} not yet mapped`)
  return `${parts.join(' and ')} still queued: they resume on the next start`
}
