import type Database from 'better-sqlite3'

/** Schema changes in order; each runs once, recorded in PRAGMA user_version. */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    api_token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE hog_functions (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    template_id TEXT NOT NULL,
    inputs TEXT NOT NULL,
    secrets TEXT NOT NULL,
    mappings TEXT,
    filters TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX hog_functions_project ON hog_functions(project_id, deleted);
  `,
  `
  CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    properties TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE person_distinct_ids (
    project_id INTEGER NOT NULL,
    distinct_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (project_id, distinct_id)
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    processed_at INTEGER
  );
  CREATE INDEX events_pending ON events(processed_at, id);
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    mapping TEXT NOT NULL,
    event_uuid TEXT NOT NULL,
    event_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_error TEXT,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
  CREATE TABLE logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    instance_id TEXT
  );
  CREATE INDEX logs_function ON logs(function_id, timestamp);
  CREATE TABLE metrics (
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    name TEXT NOT NULL,
    hour TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (function_id, name, hour)
  );
  `,
  // Events are processed in id order, so one watermark replaces a per-event update and its index.
  `
  CREATE TABLE event_watermark (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    processed_through INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO event_watermark (id, processed_through, updated_at)
    VALUES (1, COALESCE((SELECT MAX(id) FROM events WHERE processed_at IS NOT NULL), 0), 0);
  DROP INDEX events_pending;
  CREATE INDEX events_received ON events(received_at);
  `,
  // Pruning reads old rows by these columns.
  `
  CREATE INDEX logs_timestamp ON logs(timestamp);
  CREATE INDEX deliveries_settled ON deliveries(status, updated_at);
  `,
  // One name per state across the delivery core: 'gave_up'. Due deliveries are read per function now,
  // so that one busy function cannot hold back the others.
  `
  UPDATE deliveries SET status = 'gave_up' WHERE status = 'dead';
  DROP INDEX deliveries_due;
  CREATE INDEX deliveries_function_due ON deliveries(status, function_id, next_attempt_at);
  `,
  // A watermark per project, so that one project's backlog never holds up another's; the batch being
  // processed, recorded first, so that one found at start is known to have died with the thread; and the
  // failures counted for the events of such batches, so that one that keeps killing the thread is set aside.
  `
  CREATE TABLE project_watermarks (
    project_id INTEGER PRIMARY KEY,
    processed_through INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO project_watermarks (project_id, processed_through, updated_at)
    SELECT project_id, (SELECT processed_through FROM event_watermark WHERE id = 1), 0 FROM (SELECT DISTINCT project_id FROM events);
  DROP TABLE event_watermark;
  CREATE INDEX events_project ON events(project_id, id);
  CREATE TABLE event_batches (
    project_id INTEGER PRIMARY KEY,
    first_id INTEGER NOT NULL,
    last_id INTEGER NOT NULL
  );
  CREATE TABLE event_failures (
    event_id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    failures INTEGER NOT NULL
  );
  `,
  // PostHog's per-project anonymize_ips. The keys that bootstrap made hold every scope, so they also get
  // the project scopes that came with it.
  `
  ALTER TABLE projects ADD COLUMN anonymize_ips INTEGER NOT NULL DEFAULT 0;
  UPDATE api_keys SET scopes = json_insert(scopes, '$[#]', 'project:read', '$[#]', 'project:write')
    WHERE label IN ('bootstrap', 'environment') AND NOT EXISTS (SELECT 1 FROM json_each(api_keys.scopes) WHERE value = 'project:read');
  `,
  // Log lines (and the deliveries they come from) name whose event they are about, for searching by distinct id.
  `
  ALTER TABLE deliveries ADD COLUMN distinct_id TEXT;
  ALTER TABLE logs ADD COLUMN distinct_id TEXT;
  `,
  // When each key was last used, recorded at most once a minute per key (see SqlKeyStore.recordUse).
  `
  ALTER TABLE api_keys ADD COLUMN last_used_at TEXT;
  `,
  // Sessions of the Data pipelines page: the hash of the cookie's value only, and the key that signed in,
  // so that revoking the key ends its sessions with it.
  `
  CREATE TABLE ui_sessions (
    id_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX ui_sessions_key ON ui_sessions(key_id);
  CREATE INDEX ui_sessions_expiry ON ui_sessions(expires_at);
  `,
  // Destinations whose credentials Pinterest refused hold their deliveries (kept, not failed) until a save
  // changes the credentials; the version tells a hold from the credentials that came after it.
  `
  ALTER TABLE hog_functions ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE delivery_holds (
    function_id TEXT PRIMARY KEY REFERENCES hog_functions(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL,
    credentials_version INTEGER NOT NULL,
    http_status INTEGER NOT NULL,
    reason TEXT NOT NULL,
    held_at INTEGER NOT NULL
  );
  `,
  // Every saved change of a function, with who made it and what changed (the History of a destination).
  // The state a version saved is kept whole, its secrets sealed as the function's are, so a revert can restore it.
  `
  CREATE TABLE hog_function_versions (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    activity TEXT NOT NULL,
    actor_key_id TEXT,
    actor_label TEXT NOT NULL,
    state TEXT NOT NULL,
    secrets TEXT NOT NULL,
    changes TEXT NOT NULL,
    reverted_from TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (function_id, version)
  );
  `,
  // Match quality per mapping, in hourly buckets as the metrics are: one row per set of match keys sent
  // events carried, or per reason events were skipped for (SqlQualityStore).
  `
  CREATE TABLE match_quality (
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    mapping TEXT NOT NULL,
    hour TEXT NOT NULL,
    keys INTEGER NOT NULL,
    skip TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (function_id, hour, mapping, keys, skip)
  );
  CREATE INDEX match_quality_project ON match_quality(project_id, hour);
  `,
  // Events are kept 7 days now, for backfills: the latest events of one name (the page's Testing tab asks for
  // each mapped name) are found through an index instead of reading every stored payload of the project.
  // json_valid keeps an unreadable payload from failing its insert; such a payload has no name.
  `
  CREATE INDEX events_name ON events(project_id, (CASE WHEN json_valid(payload) THEN payload ->> '$.event' END), id);
  `,
  // Failed deliveries and their replay, and backfills: a delivery keeps the stored event it came from (so a
  // replay can map it again), the code of why it failed, the job that made it (job_id, job_item) and the
  // job whose replay of it was delivered. The failed list walks a partial index of the not-replayed failures.
  // A job's items are its replayed deliveries (all made at once) or its backfilled events (made as mapped).
  `
  ALTER TABLE deliveries ADD COLUMN event_row_id INTEGER;
  ALTER TABLE deliveries ADD COLUMN reason TEXT;
  ALTER TABLE deliveries ADD COLUMN job_id TEXT;
  ALTER TABLE deliveries ADD COLUMN job_item INTEGER;
  ALTER TABLE deliveries ADD COLUMN replayed_by TEXT;
  UPDATE deliveries SET reason = CASE
      WHEN last_error LIKE 'the function %' THEN 'function_unavailable'
      WHEN status = 'gave_up' AND last_error LIKE 'gave up: its event_time %' THEN 'outside_window'
      WHEN status = 'gave_up' THEN 'gave_up'
      WHEN last_error LIKE 'HTTP %' OR last_error LIKE 'unexpected failure%' THEN 'other'
      ELSE 'rejected' END
    WHERE status IN ('failed', 'gave_up');
  CREATE INDEX deliveries_failed ON deliveries(function_id, updated_at, id) WHERE status IN ('failed', 'gave_up') AND replayed_by IS NULL;
  CREATE INDEX deliveries_job ON deliveries(job_id, job_item) WHERE job_id IS NOT NULL;
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    settled INTEGER NOT NULL,
    created_by_key_id TEXT,
    created_by_label TEXT NOT NULL,
    range_after INTEGER,
    range_before INTEGER,
    cursor INTEGER NOT NULL,
    last_event INTEGER NOT NULL,
    total INTEGER NOT NULL,
    lost INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
  );
  CREATE INDEX jobs_function ON jobs(function_id, created_at);
  CREATE INDEX jobs_unsettled ON jobs(settled) WHERE settled = 0;
  CREATE TABLE job_items (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    item INTEGER NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (job_id, item)
  ) WITHOUT ROWID;
  CREATE INDEX job_items_state ON job_items(job_id, state, reason);
  CREATE INDEX job_items_item ON job_items(item, job_id);
  `,
  // Alerts of a destination: its settings (the webhook URL sealed in \`secrets\` as secret inputs are), and its
  // episodes: a condition that started holding, when it stopped, and when each of the two messages went out.
  `
  CREATE TABLE alert_settings (
    function_id TEXT PRIMARY KEY REFERENCES hog_functions(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    failure_share_enabled INTEGER NOT NULL,
    failure_share_percent INTEGER NOT NULL,
    no_deliveries_enabled INTEGER NOT NULL,
    no_deliveries_minutes INTEGER NOT NULL,
    degraded_enabled INTEGER NOT NULL,
    secrets TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE alert_episodes (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    function_id TEXT NOT NULL REFERENCES hog_functions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    opened_figures TEXT NOT NULL,
    cleared_at INTEGER,
    cleared_figures TEXT,
    notified_at INTEGER,
    cleared_notified_at INTEGER,
    silenced INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX alert_episodes_open ON alert_episodes(function_id, kind) WHERE cleared_at IS NULL;
  CREATE INDEX alert_episodes_function ON alert_episodes(function_id, id);
  `,
  // The failed list's count and reasons read only the index (filters and reason in it), not every failed row.
  `
  DROP INDEX deliveries_failed;
  CREATE INDEX deliveries_failed ON deliveries(function_id, updated_at, id, status, reason, mapping, replayed_by) WHERE status IN ('failed', 'gave_up') AND replayed_by IS NULL;
  `,
  // The reason codes given to older failures missed two cases that failureReasonOf tells (its words are the
  // core's, matched case-sensitively as there): refused credentials, and a delivery handed over too long ago.
  `
  UPDATE deliveries SET reason = 'credentials'
    WHERE status IN ('failed', 'gave_up') AND reason IN ('rejected', 'other', 'gave_up', 'outside_window')
      AND (last_error GLOB '*conversion token rejected by Pinterest (401)*' OR last_error GLOB '*ad account not accessible with this token (403)*');
  UPDATE deliveries SET reason = 'outside_window'
    WHERE status = 'gave_up' AND reason = 'gave_up' AND last_error GLOB 'gave up: it was handed over more than *';
  `,
  // The alert monitor reads each watched function's oldest waiting delivery every round: without this it read
  // every pending row (the oldest due time is no stand-in: retries keep every due time within 5 minutes of now
  // through an outage). Only pending rows are in it, so it stays as small as the backlog; inserting and settling
  // 100k deliveries took 14-21 µs each with it, 17-25 µs without (the noise of a shared machine).
  `
  CREATE INDEX deliveries_pending_age ON deliveries(function_id, first_seen_at) WHERE status = 'pending';
  `,
  // A delivery's Pinterest event (2 to 3 KB) in a table of its own: settling a delivery rewrote the page its
  // row filled, about 4 KB of log per delivery; its row is now small, and a batch's settle rewrites a few
  // pages. Inserting, claiming and settling 1000 deliveries took 70 µs each with the event in the row, 52 to
  // 55 µs with it apart (settling 26 against 10). The event goes with its delivery (pruned, a person deleted).
  `
  CREATE TABLE delivery_payloads (
    delivery_id INTEGER PRIMARY KEY REFERENCES deliveries(id) ON DELETE CASCADE,
    payload TEXT NOT NULL
  );
  INSERT INTO delivery_payloads (delivery_id, payload) SELECT id, payload FROM deliveries;
  ALTER TABLE deliveries DROP COLUMN payload;
  `,
]

/** Migrates to the latest version; `target` stops earlier (tests build an old database with it). */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number
  for (let version = current; version < target; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version])
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
}
