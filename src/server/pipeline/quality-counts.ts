import type { InvocationResult } from '../../mapping/invoke'
import { matchKeyBits } from '../../pinterest/match-keys'
import { skipReasonOf } from '../../pinterest/skip-reasons'
import type { MatchCount } from '../../store/types'

interface MappingCounts {
  /** Sent events per set of match keys. */
  keys: Map<number, number>
  /** Skipped events per reason code. */
  skips: Map<string, number>
}

/**
 * Match quality of a batch, summed in memory as its events are mapped and written with its metrics:
 * per mapping, a count per set of match keys (an event costs a few map look-ups) and per skip reason.
 */
export class QualityCounts {
  private readonly byFunction = new Map<string, Map<string, MappingCounts>>()

  /** Counts one result of mapping an event; errors and filtered events are the metrics' alone. */
  count(functionId: string, result: InvocationResult): void {
    if (result.status === 'event') add(this.of(functionId, result.mapping).keys, matchKeyBits(result.event))
    else if (result.status === 'skipped') add(this.of(functionId, result.mapping).skips, skipReasonOf(result.reason))
  }

  private of(functionId: string, mapping: string): MappingCounts {
    let mappings = this.byFunction.get(functionId)
    if (mappings === undefined) {
      mappings = new Map()
      this.byFunction.set(functionId, mappings)
    }
    let counts = mappings.get(mapping)
    if (counts === undefined) {
      counts = { keys: new Map(), skips: new Map() }
      mappings.set(mapping, counts)
    }
    return counts
  }

  rows(): MatchCount[] {
    const rows: MatchCount[] = []
    for (const [function_id, mappings] of this.byFunction) {
      for (const [mapping, counts] of mappings) {
        for (const [keys, count] of counts.keys) rows.push({ function_id, mapping, keys, skip: '', count })
        for (const [skip, count] of counts.skips) rows.push({ function_id, mapping, keys: 0, skip, count })
      }
    }
    return rows
  }
}

function add<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1)
}
