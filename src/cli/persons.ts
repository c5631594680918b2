import { existsSync } from 'node:fs'
import type { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
import { openSqliteStore } from '../store/sqlite/database'
import type { Store } from '../store/types'
import { DEFAULT_DB } from './serve'

/**
 * `pinterest-capi persons delete --distinct-id ID [--project N] [--db FILE]`: the person and what is stored
 * about them (see PersonStore.delete). Prints counts, not the data.
 */
export async function personsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, project: { type: 'string' }, 'distinct-id': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  if (positionals.length !== 1 || positionals[0] !== 'delete') throw new ConfigError('persons', "expected 'delete'")
  const distinctId = values['distinct-id']
  if (distinctId === undefined || distinctId === '') throw new ConfigError('--distinct-id', 'persons delete needs the distinct id of the person')
  const dbPath = values.db ?? env.PIPELINES_DB ?? DEFAULT_DB
  if (!existsSync(dbPath)) throw new ConfigError('--db', 'no database at this path')
  const store = openSqliteStore(dbPath, { env })
  try {
    const projectId = chooseProject(store, values.project)
    const deleted = store.persons.delete(projectId, distinctId)
    const who = deleted.persons > 0 ? `deleted the person of project ${projectId} (${deleted.distinctIds} distinct id(s))` : `no person of project ${projectId} has this distinct id`
    out.write(`${who}; deleted ${deleted.events} stored event(s), ${deleted.deliveries} undelivered delivery(ies), ${deleted.logs} log line(s)\n`)
    return 0
  } finally {
    store.close()
  }
}

/** The project named, or the only one: with several, guessing could delete from the wrong one. */
function chooseProject(store: Store, given: string | undefined): number {
  if (given !== undefined) {
    const id = Number(given)
    if (!Number.isInteger(id) || !store.projects.get(id)) throw new ConfigError('--project', 'expected the id of an existing project')
    return id
  }
  const count = store.projects.count()
  const only = count === 1 ? store.projects.get(1) : undefined
  if (!only) throw new ConfigError('--project', `the database has ${count} projects: name one with --project N`)
  return only.id
}
