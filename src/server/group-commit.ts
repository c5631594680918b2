import type { CapturedEvent, EventQueue } from '../store/types'

interface Waiting {
  projectId: number
  events: CapturedEvent[]
  resolve: () => void
  reject: (error: Error) => void
}

/**
 * Capture requests that arrive together are written in one transaction, so many small requests cost
 * one commit. A request is answered only after its commit: a 200 means the events are stored.
 */
export class GroupCommit {
  private waiting: Waiting[] = []

  constructor(
    private readonly queue: EventQueue,
    private readonly onCommit: () => void,
  ) {}

  write(projectId: number, events: CapturedEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush())
      this.waiting.push({ projectId, events, resolve, reject })
    })
  }

  private flush(): void {
    const batch = this.waiting
    this.waiting = []
    try {
      this.queue.appendGroups(batch)
    } catch (error) {
      for (const item of batch) item.reject(error as Error)
      return
    }
    for (const item of batch) item.resolve()
    this.onCommit()
  }
}
