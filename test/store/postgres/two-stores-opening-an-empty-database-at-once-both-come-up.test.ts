import path from 'node:path'
import { spawn } from 'node:child_process'
import { Client } from 'pg'
import { openPostgresStore } from '../../../src/store/postgres/database'
import { dropPostgresDatabase, freshPostgresDatabase } from '../../helpers/postgres'
import { TEST_SECRET_KEY } from '../../helpers/stores'

/** The fixed key of migratePostgres's advisory lock. */
const MIGRATION_LOCK = 7_402_913

/** A store opened by another process: what it reports once open. */
function openInProcess(url: string): Promise<unknown> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'open-store-process.ts')], {
    env: { ...process.env, OPEN_STORE_URL: url, PIPELINES_SECRET_KEY: TEST_SECRET_KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk) => (out += chunk))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', () => resolve(out === '' ? { up: false } : JSON.parse(out)))
  })
}

/**
 * Holds the migration lock on the server until two stores wait for it (at most 60 s: then it fails), so that
 * both are inside their migration step at once. One statement, run by the server while this thread waits.
 */
const HOLD_UNTIL_TWO_WAIT = `
  BEGIN;
  SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
  DO $$
  BEGIN
    FOR i IN 1..600 LOOP
      IF (SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = ${MIGRATION_LOCK} AND NOT granted) = 2 THEN
        RETURN;
      END IF;
      PERFORM pg_sleep(0.1);
    END LOOP;
    RAISE EXCEPTION 'the two stores did not both wait for the migration lock';
  END $$;
  COMMIT;`

test('two stores opening one empty database at the same moment both come up, the schema migrated once', async () => {
  const url = await freshPostgresDatabase()
  const admin = new Client({ connectionString: url })
  await admin.connect()
  try {
    const held = admin.query(HOLD_UNTIL_TWO_WAIT)
    const other = openInProcess(url)
    // This thread waits here, behind the lock, while the other process starts and waits too.
    const store = openPostgresStore(url, { env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY }, applicationName: 'opening-store' })
    await held
    expect(store.projects.count()).toBe(0)
    store.projects.create('Shop')
    store.close()
    expect(await other).toEqual({ up: true, projects: expect.any(Number) })

    const versions = (await admin.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)
    expect(versions.length).toBeGreaterThanOrEqual(2)
    expect(versions).toEqual(versions.map((_, i) => i + 1))
    expect((await admin.query('SELECT id, version FROM config_version')).rows).toEqual([{ id: 1, version: '0' }])
  } finally {
    await admin.end()
    await dropPostgresDatabase(url)
  }
})
