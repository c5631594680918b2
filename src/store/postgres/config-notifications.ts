import { Client } from 'pg'

/** The channel saves of functions and projects notify, in the transaction that saves them (src/store/sql/config-version.ts). */
export const CONFIG_CHANNEL = 'pinterest_capi_config'

export interface ConfigNotificationOptions {
  /** How often config_version is read as well, in case a notification was missed (default 1 s). */
  pollMs?: number
  /** The first wait before connecting again after the connection was lost; it doubles up to maxBackoffMs. */
  backoffMs?: number
  maxBackoffMs?: number
  applicationName?: string
}

/**
 * Tells `onChange` when saved configuration changed in any process: LISTEN on a connection of its own, and,
 * since a notification sent while that connection was down is lost, a read of the one-row config_version
 * after each reconnect and every second. Never a statement per event: only saves notify.
 */
export class ConfigNotifications {
  private client?: Client
  private seen?: number
  private stopped = false
  /** Until the first connection listens, nothing could be missed: the caller reads everything after start(). */
  private missed = false
  private backoffMs: number
  private pollTimer?: NodeJS.Timeout
  private retryTimer?: NodeJS.Timeout

  constructor(
    private readonly url: string,
    private readonly onChange: () => void,
    private readonly options: ConfigNotificationOptions = {},
  ) {
    this.backoffMs = options.backoffMs ?? 100
  }

  /** Connects; resolves once listening (or once the first attempt failed: it keeps trying in the background). */
  async start(): Promise<void> {
    await this.connect()
    this.poll()
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    const client = new Client({ connectionString: this.url, application_name: this.options.applicationName ?? 'pinterest-capi config', connectionTimeoutMillis: 10_000 })
    client.on('error', () => this.lost(client))
    client.on('end', () => this.lost(client))
    client.on('notification', () => this.onChange())
    try {
      await client.connect()
      await client.query(`LISTEN ${CONFIG_CHANNEL}`)
    } catch {
      this.lost(client)
      return
    }
    if (this.stopped) return void client.end().catch(() => {})
    this.client = client
    this.backoffMs = this.options.backoffMs ?? 100
    // Whatever was saved while no connection listened is found by the version.
    await this.check()
  }

  private lost(client: Client): void {
    if (this.client === client) this.client = undefined
    this.missed = true
    client.removeAllListeners('end')
    client.end().catch(() => {})
    if (this.stopped || this.retryTimer) return
    const wait = this.backoffMs
    this.backoffMs = Math.min(wait * 2, this.options.maxBackoffMs ?? 5000)
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      void this.connect()
    }, wait)
    this.retryTimer.unref()
  }

  private poll(): void {
    if (this.stopped) return
    this.pollTimer = setTimeout(() => void this.check().finally(() => this.poll()), this.options.pollMs ?? 1000)
    this.pollTimer.unref()
  }

  /** Reads the version; a change since the last read is a change of configuration. */
  private async check(): Promise<void> {
    const client = this.client
    if (!client) return
    let version: number
    try {
      const result = await client.query('SELECT version FROM config_version WHERE id = 1')
      version = Number(result.rows[0]?.version ?? 0)
    } catch {
      this.lost(client)
      return
    }
    // A first version read after a start whose connection failed: what changed meanwhile is unknown.
    const changed = this.seen === undefined ? this.missed : version !== this.seen
    this.seen = version
    if (changed) this.onChange()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.pollTimer)
    clearTimeout(this.retryTimer)
    const client = this.client
    this.client = undefined
    if (client) {
      client.removeAllListeners('end')
      await client.end().catch(() => {})
    }
  }
}
