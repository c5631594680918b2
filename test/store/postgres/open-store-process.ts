import { openPostgresStore } from '../../../src/store/postgres/database'

/** Another process opening the Postgres store at OPEN_STORE_URL: prints what it found once open. */
try {
  const store = openPostgresStore(process.env.OPEN_STORE_URL ?? '', { applicationName: 'opening-store' })
  const projects = store.projects.count()
  store.close()
  process.stdout.write(JSON.stringify({ up: true, projects }))
} catch (error) {
  process.stdout.write(JSON.stringify({ up: false, error: (error as Error).message }))
}
