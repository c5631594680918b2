import type { AlertEpisode, AlertSettings, Store, StoredFunction } from '../../store/types'
import { functionStatus } from '../function-status'
import { type AlertFacts, evaluate } from './conditions'
import { clearedMessage, openedMessage, type Subject } from './messages'
import { sendWithRetries, type WebhookOptions } from './webhook'

export interface AlertMonitorOptions extends Omit<WebhookOptions, 'signal'> {
  /** How often the conditions are evaluated and due messages sent (default 30 s). */
  intervalMs?: number
  /** The clock (tests move it past a no-deliveries threshold). */
  now?: () => number
  /** Where the webhook's problems are told (stderr by default); the URL is never in a line. */
  log?: (line: string) => void
}

const DEFAULT_INTERVAL_MS = 30_000
const HOUR_MS = 3_600_000

/**
 * Evaluates every watched destination's conditions, opens and clears their episodes, and sends each
 * episode's two messages once. It runs in the server's main process, not on the pipeline thread: it reads
 * a few indexed rows per destination and waits on webhooks, which would only delay the thread's mapping and
 * sending, and an alert must keep working when that thread dies and restarts (the pipeline's trouble is
 * what it reports). Episodes and what was sent are stored, so a restart neither repeats nor loses a message.
 */
export class AlertMonitor {
  private readonly stopping = new AbortController()
  private readonly intervalMs: number
  private readonly now: () => number
  private readonly log: (line: string) => void
  private timer?: NodeJS.Timeout
  /** Each function's sending in flight: its next round sends nothing until that ends (one message in flight, in order). */
  private readonly sending = new Map<string, Promise<void>>()

  constructor(
    private readonly store: Store,
    private readonly options: AlertMonitorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS
    this.now = options.now ?? Date.now
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
  }

  /** A round every interval, whether or not a slow webhook still holds the last one's sending (it holds only its function). */
  start(): void {
    if (this.stopping.signal.aborted) return
    this.timer = setTimeout(() => {
      void this.check()
      this.start()
    }, this.intervalMs)
    this.timer.unref()
  }

  /**
   * One round: every watched function is evaluated, and its due messages sent alongside the others', so one
   * unreachable webhook delays only its own function. It resolves once every function's sending has ended,
   * including one a previous round started (that function sends nothing new meanwhile: no message twice).
   */
  async check(): Promise<void> {
    await Promise.allSettled(this.round())
  }

  /** No new round; the POSTs in flight and their retries end at once (what was not sent stays due). */
  async stop(): Promise<void> {
    this.stopping.abort()
    clearTimeout(this.timer)
    await Promise.allSettled(this.sending.values())
  }

  /** Evaluates each watched function (synchronous, so two rounds never interleave there) and returns its sending. */
  private round(): Promise<void>[] {
    const sends: Promise<void>[] = []
    for (const settings of this.store.alerts.active()) {
      if (this.stopping.signal.aborted) break
      const fn = this.store.functions.get(settings.project_id, settings.function_id)
      // A paused or deleted destination sends nothing: its episodes wait, unevaluated, until it runs again.
      if (!fn || fn.deleted || !fn.enabled) continue
      const inFlight = this.sending.get(fn.id)
      if (inFlight) {
        sends.push(inFlight)
        continue
      }
      try {
        this.evaluate(settings, fn)
      } catch (error) {
        this.log(`alerts of function ${fn.id} could not be evaluated: ${(error as Error).message}`)
        continue
      }
      const send = this.sendDue(settings, fn)
        .catch((error: Error) => this.log(`alerts of function ${fn.id} could not be sent: ${error.message}`))
        .finally(() => this.sending.delete(fn.id))
      this.sending.set(fn.id, send)
      sends.push(send)
    }
    return sends
  }

  private facts(fn: StoredFunction): AlertFacts {
    const nowMs = this.now()
    // The held deliveries are the pending ones, counted once and capped (a held backlog can be millions).
    const deliveries = this.store.alerts.deliveryFacts(fn.id)
    return {
      nowMs,
      metrics: this.store.metrics.series(fn.project_id, fn.id, new Date(nowMs - HOUR_MS).toISOString(), new Date(nowMs + 1).toISOString()),
      deliveries,
      status: functionStatus(fn, this.store.holds.get(fn.id), () => deliveries.pending),
    }
  }

  private evaluate(settings: AlertSettings, fn: StoredFunction): void {
    const facts = this.facts(fn)
    const open = new Map(this.store.alerts.openEpisodes(fn.id).map((e) => [e.kind, e]))
    for (const verdict of evaluate(settings, facts)) {
      const episode = open.get(verdict.kind)
      if (verdict.holds && !episode) this.store.alerts.open(fn.id, fn.project_id, verdict.kind, verdict.figures, facts.nowMs)
      else if (!verdict.holds && episode) this.store.alerts.clear(episode.id, verdict.figures, facts.nowMs)
    }
  }

  /** The due messages in order, each marked sent once the webhook took it; the first that fails stays due, and so do those after it. */
  private async sendDue(settings: AlertSettings, fn: StoredFunction): Promise<void> {
    const url = settings.webhook_url
    if (url === null) return
    const subject = this.subject(fn, url)
    for (let next = this.nextDue(fn.id); next !== undefined; next = this.nextDue(fn.id)) {
      const { episode, message } = next
      const body = message === 'opened' ? openedMessage(subject, episode.opened_figures) : clearedMessage(subject, episode.cleared_figures ?? episode.opened_figures)
      const answer = await sendWithRetries(url, body, { ...this.options, signal: this.stopping.signal }, (line) => this.log(`alerts of function ${fn.id}: ${line}`))
      if (!answer.ok) {
        this.log(`alerts of function ${fn.id}: ${answer.problem}; the ${message} message of its ${episode.kind} alert stays due`)
        return
      }
      this.store.alerts.markNotified(episode.id, message, this.now())
    }
  }

  private nextDue(functionId: string): { episode: AlertEpisode; message: 'opened' | 'cleared' } | undefined {
    const episode = this.store.alerts.due(functionId)[0]
    return episode && { episode, message: episode.notified_at === null ? 'opened' : 'cleared' }
  }

  private subject(fn: StoredFunction, url: string): Subject {
    return { projectName: this.store.projects.get(fn.project_id)?.name ?? String(fn.project_id), functionId: fn.id, functionName: fn.name, secrets: [...Object.values(fn.secrets), url] }
  }
}
