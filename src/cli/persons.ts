import type { Writable } from 'node:stream'
import { chooseProject, databasePath, openExistingStore, withStore } from './local-database'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const PERSONS_HELP: CommandHelp = {
  synopsis: ['persons delete --distinct-id ID [--project ID] [--db FILE]'],
  description: `
Deletes a person (all its distinct ids), their stored events, undelivered deliveries and log lines, and prints
the counts. --project is needed when the database has several projects. Runs beside a running server.`,
}

/**
 * `pinterest-capi persons delete --distinct-id ID [--project N] [--db FILE]`: the person and what is stored
 * about them (see PersonStore.delete). Prints counts, not the data.
 */
export async function personsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand('persons', args, { db: { type: 'string' }, project: { type: 'string' }, 'distinct-id': { type: 'string' } }, true)
  subcommand('persons', positionals, ['delete'] as const)
  if (positionals.length > 1) throw new UsageError('persons', 'persons delete takes options only')
  const distinctId = values['distinct-id']
  if (distinctId === undefined || distinctId === '') throw new UsageError('persons', 'persons delete needs --distinct-id ID')
  return withStore(openExistingStore(databasePath(values.db, env), env), (store) => {
    const projectId = chooseProject('persons', store, values.project)
    const deleted = store.persons.delete(projectId, distinctId)
    const who = deleted.persons > 0 ? `deleted the person of project ${projectId} (${deleted.distinctIds} distinct id(s))` : `no person of project ${projectId} has this distinct id`
    out.write(`${who}; deleted ${deleted.events} stored event(s), ${deleted.deliveries} undelivered delivery(ies), ${deleted.logs} log line(s)\n`)
    return 0
  })
}
