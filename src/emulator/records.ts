export interface AcceptedEvent {
  event_id: string
  event_name: string
  ad_account_id: string
  request_id: string
  /** ISO-8601 time of receipt by the emulator's clock. */
  received_at: string
  /** True for events processed in a `?test=true` request: Pinterest would not record them. */
  test: boolean
  /** The event exactly as sent; absent when the emulator runs without keeping bodies. */
  event?: Record<string, unknown>
}

export interface RequestRecord {
  request_id: string
  ad_account_id: string
  /** HTTP status answered; null while a hung request never got an answer. */
  status: number | null
  /** Length of `data` when the body was a JSON object with a `data` array, else 0. */
  num_events: number
  num_events_processed: number
  test: boolean
  received_at: string
  /** The injected fault that decided the answer, if any. */
  fault: 'forced' | 'hang' | 'rate_limit' | 'unavailable' | null
}

export interface EventFilter {
  adAccountId?: string
  test?: boolean
}

/** What the emulator saw, for tests to inspect. Accessors return copies of the lists. */
export class Recorder {
  private live: AcceptedEvent[] = []
  private testEvents: AcceptedEvent[] = []
  private requestList: RequestRecord[] = []

  addEvents(events: AcceptedEvent[]): void {
    for (const event of events) (event.test ? this.testEvents : this.live).push(event)
  }

  addRequest(record: RequestRecord): void {
    this.requestList.push(record)
  }

  events(filter: EventFilter = {}): AcceptedEvent[] {
    const list = filter.test ? this.testEvents : this.live
    return filter.adAccountId === undefined ? list.slice() : list.filter((e) => e.ad_account_id === filter.adAccountId)
  }

  requests(): RequestRecord[] {
    return this.requestList.slice()
  }

  reset(): void {
    this.live = []
    this.testEvents = []
    this.requestList = []
  }
}
