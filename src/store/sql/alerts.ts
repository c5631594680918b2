import type { SqlConnection, SqlStatement } from './connection'
import type { SecretBox } from '../secret-box'
import { ALERT_KINDS, PENDING_COUNT_CAP, type AlertEpisode, type AlertFigures, type AlertKind, type AlertSettings, type AlertStore, type DeliveryFacts } from '../types'
import { alertPlace, openSecrets, sealSecrets } from './sealed-secrets'

interface SettingsRow {
  function_id: string
  project_id: number
  enabled: number
  failure_share_enabled: number
  failure_share_percent: number
  no_deliveries_enabled: number
  no_deliveries_minutes: number
  degraded_enabled: number
  secrets: string
  updated_at: string
}

interface EpisodeRow extends Omit<AlertEpisode, 'opened_figures' | 'cleared_figures' | 'silenced'> {
  opened_figures: string
  cleared_figures: string | null
  silenced: number
}

const SETTINGS = 'SELECT * FROM alert_settings'

export const LAST_DELIVERED_SQL = `SELECT MAX(next_attempt_at) FROM deliveries WHERE status = 'delivered' AND function_id = ?`
/** The oldest waiting delivery's queueing time, one seek in deliveries_pending_age. */
export const OLDEST_PENDING_SQL = `SELECT first_seen_at FROM deliveries WHERE status = 'pending' AND function_id = ? ORDER BY first_seen_at LIMIT 1`
/** The waiting deliveries, counted up to one above the cap: a backlog of millions is not read every round. */
export const PENDING_COUNT_SQL = `SELECT COUNT(*) FROM (SELECT 1 FROM deliveries WHERE status = 'pending' AND function_id = ? LIMIT ${PENDING_COUNT_CAP + 1}) AS waiting`
const EPISODES = 'SELECT * FROM alert_episodes'

export class SqlAlertStore implements AlertStore {
  private readonly getSettings: SqlStatement
  private readonly upsertSettings: SqlStatement
  private readonly silence: SqlStatement
  private readonly activeSettings: SqlStatement
  private readonly listEpisodes: SqlStatement
  private readonly openEpisode: SqlStatement
  private readonly openStatement: SqlStatement
  private readonly insertEpisode: SqlStatement
  private readonly clearEpisode: SqlStatement
  private readonly dueEpisodes: SqlStatement
  private readonly oldestPending: SqlStatement
  private readonly pendingCount: SqlStatement
  private readonly lastDelivered: SqlStatement

  constructor(
    private readonly db: SqlConnection,
    private readonly box: SecretBox,
  ) {
    this.getSettings = db.prepare(`${SETTINGS} WHERE function_id = ?`)
    this.upsertSettings = db.prepare(
      `INSERT INTO alert_settings (function_id, project_id, enabled, failure_share_enabled, failure_share_percent, no_deliveries_enabled, no_deliveries_minutes, degraded_enabled, secrets, updated_at)
       VALUES (@function_id, @project_id, @enabled, @failure_share_enabled, @failure_share_percent, @no_deliveries_enabled, @no_deliveries_minutes, @degraded_enabled, @secrets, @updated_at)
       ON CONFLICT (function_id) DO UPDATE SET enabled = excluded.enabled, failure_share_enabled = excluded.failure_share_enabled,
         failure_share_percent = excluded.failure_share_percent, no_deliveries_enabled = excluded.no_deliveries_enabled,
         no_deliveries_minutes = excluded.no_deliveries_minutes, degraded_enabled = excluded.degraded_enabled, secrets = excluded.secrets, updated_at = excluded.updated_at`,
    )
    this.silence = db.prepare('UPDATE alert_episodes SET cleared_at = @atMs, silenced = 1 WHERE function_id = @functionId AND kind = @kind AND cleared_at IS NULL')
    this.activeSettings = db.prepare(`${SETTINGS} WHERE enabled = 1 AND secrets <> '{}' ORDER BY function_id`)
    this.listEpisodes = db.prepare(`${EPISODES} WHERE function_id = ? ORDER BY id DESC LIMIT ?`)
    this.openEpisode = db.prepare(`${EPISODES} WHERE function_id = ? AND kind = ? AND cleared_at IS NULL`)
    this.openStatement = db.prepare(`${EPISODES} WHERE function_id = ? AND cleared_at IS NULL ORDER BY id`)
    this.insertEpisode = db.prepare(
      // The partial unique index keeps one open episode per condition: a second opening is ignored, also when
      // two processes open it at the same moment (the later insert waits for the first, then does nothing).
      'INSERT INTO alert_episodes (project_id, function_id, kind, opened_at, opened_figures) VALUES (@projectId, @functionId, @kind, @atMs, @figures) ON CONFLICT DO NOTHING',
    )
    this.clearEpisode = db.prepare('UPDATE alert_episodes SET cleared_at = ?, cleared_figures = ? WHERE id = ? AND cleared_at IS NULL')
    this.dueEpisodes = db.prepare(`${EPISODES} WHERE function_id = ? AND silenced = 0 AND (notified_at IS NULL OR (cleared_at IS NOT NULL AND cleared_notified_at IS NULL)) ORDER BY id`)
    this.oldestPending = db.prepare(OLDEST_PENDING_SQL).pluck()
    this.pendingCount = db.prepare(PENDING_COUNT_SQL).pluck()
    // A settled delivery's next_attempt_at is when it was settled (the sender writes it so): this reads the
    // newest from the deliveries_function_due index in one seek, where MAX(updated_at) would read every row.
    this.lastDelivered = db.prepare(LAST_DELIVERED_SQL).pluck()
  }

  settings(functionId: string): AlertSettings | undefined {
    const row = this.getSettings.get(functionId) as SettingsRow | undefined
    return row && this.fromRow(row)
  }

  save(settings: Omit<AlertSettings, 'updated_at'>, atMs: number): AlertSettings {
    const { function_id, webhook_url } = settings
    const row: SettingsRow = {
      function_id,
      project_id: settings.project_id,
      enabled: Number(settings.enabled),
      failure_share_enabled: Number(settings.failure_share.enabled),
      failure_share_percent: settings.failure_share.percent,
      no_deliveries_enabled: Number(settings.no_deliveries.enabled),
      no_deliveries_minutes: settings.no_deliveries.minutes,
      degraded_enabled: Number(settings.degraded.enabled),
      secrets: sealSecrets(this.box, alertPlace(function_id), webhook_url === null ? {} : { webhook_url }),
      updated_at: new Date(atMs).toISOString(),
    }
    this.db.transaction(() => {
      this.upsertSettings.run(row)
      for (const kind of ALERT_KINDS) {
        if (!settings.enabled || !settings[kind].enabled) this.silence.run({ functionId: function_id, kind, atMs })
      }
    })
    return this.fromRow(row)
  }

  active(): AlertSettings[] {
    return (this.activeSettings.all() as SettingsRow[]).map((row) => this.fromRow(row))
  }

  episodes(functionId: string, limit: number): AlertEpisode[] {
    return (this.listEpisodes.all(functionId, limit) as EpisodeRow[]).map(fromEpisodeRow)
  }

  openEpisodes(functionId: string): AlertEpisode[] {
    return (this.openStatement.all(functionId) as EpisodeRow[]).map(fromEpisodeRow)
  }

  open(functionId: string, projectId: number, kind: AlertKind, figures: AlertFigures, atMs: number): AlertEpisode {
    this.insertEpisode.run({ functionId, projectId, kind, atMs, figures: JSON.stringify(figures) })
    return fromEpisodeRow(this.openEpisode.get(functionId, kind) as EpisodeRow)
  }

  clear(episodeId: number, figures: AlertFigures, atMs: number): void {
    this.clearEpisode.run(atMs, JSON.stringify(figures), episodeId)
  }

  due(functionId: string): AlertEpisode[] {
    return (this.dueEpisodes.all(functionId) as EpisodeRow[]).map(fromEpisodeRow)
  }

  markNotified(episodeId: number, message: 'opened' | 'cleared', atMs: number): void {
    const column = message === 'opened' ? 'notified_at' : 'cleared_notified_at'
    this.db.prepare(`UPDATE alert_episodes SET ${column} = ? WHERE id = ? AND ${column} IS NULL`).run(atMs, episodeId)
  }

  deliveryFacts(functionId: string): DeliveryFacts {
    const pending = this.pendingCount.get(functionId) as number
    const oldest = (this.oldestPending.get(functionId) as number | undefined) ?? null
    return { pending, oldestPendingAt: oldest, lastDeliveredAt: (this.lastDelivered.get(functionId) as number | null) ?? null }
  }

  private fromRow(row: SettingsRow): AlertSettings {
    const secrets = openSecrets(this.box, alertPlace(row.function_id), JSON.parse(row.secrets) as Record<string, string>)
    return {
      function_id: row.function_id,
      project_id: row.project_id,
      enabled: row.enabled === 1,
      webhook_url: secrets.webhook_url ?? null,
      failure_share: { enabled: row.failure_share_enabled === 1, percent: row.failure_share_percent },
      no_deliveries: { enabled: row.no_deliveries_enabled === 1, minutes: row.no_deliveries_minutes },
      degraded: { enabled: row.degraded_enabled === 1 },
      updated_at: row.updated_at,
    }
  }
}

function fromEpisodeRow(row: EpisodeRow): AlertEpisode {
  return {
    ...row,
    opened_figures: JSON.parse(row.opened_figures) as AlertFigures,
    cleared_figures: row.cleared_figures === null ? null : (JSON.parse(row.cleared_figures) as AlertFigures),
    silenced: row.silenced === 1,
  }
}
