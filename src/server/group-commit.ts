import type { EventQueue } from '../store/types'
import type { CheckedEvent } from './capture-payload'

interface Waiting {
  projectId: number
  payloads: CheckedEvent[]
  resolve: () => void
  reject: (error: Error) => void
}

/** The commit failed (disk full, database locked past its timeout): nothing of the group was stored. */
export class CommitFailed extends Error {
  constructor(cause: unknown) {
    super(`capture commit failed: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/**
 * Capture requests that arrive together are written in one transaction, so many small requests cost
 * one commit. A request is answered only after its commit: a 200 means the events are stored. Only
 * events each request serialised and checked itself come here, so one request cannot fail another's.
 */
export class GroupCommit {
  private waiting: Waiting[] = []

  constructor(
    private readonly queue: EventQueue,
    private readonly onCommit: () => void,
  ) {}

  write(projectId: number, payloads: CheckedEvent[]): Promise<void> {
    if (payloads.length === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush())
      this.waiting.push({ projectId, payloads, resolve, reject })
    })
  }

  private flush(): void {
    const batch = this.waiting
    this.waiting = []
    try {
      this.queue.appendGroups(batch)
    } catch (error) {
      for (const item of batch) item.reject(new CommitFailed(error))
      return
    }
    for (const item of batch) item.resolve()
    this.onCommit()
  }
}
