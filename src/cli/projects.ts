import type { Writable } from 'node:stream'
import { openStore } from '../store/open-store'
import { databasePath, openExistingStore, withStore } from './local-database'
import { formatTable, shortTime } from './table'
import { type CommandHelp, parseCommand, subcommand, UsageError } from './usage'

export const PROJECTS_HELP: CommandHelp = {
  synopsis: ['projects list [--db FILE]', 'projects create NAME [--db FILE]'],
  description: `
list    prints each project's id, name, project token and creation time. The project token is what capture
        requests carry (posthog-js, posthog-node); like PostHog, it is not treated as a secret.
create  makes a project with a new project token (and the database, if there is none yet).
Runs beside a running server.`,
}

/** `pinterest-capi projects list|create`. */
export async function projectsCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand('projects', args, { db: { type: 'string' } }, true)
  const action = subcommand('projects', positionals, ['list', 'create'] as const)
  const path = databasePath(values.db, env)
  if (action === 'list') {
    if (positionals.length > 1) throw new UsageError('projects', 'projects list takes no arguments')
    const projects = withStore(openExistingStore(path, env), (store) => store.projects.list())
    out.write(
      formatTable(
        ['ID', 'NAME', 'PROJECT TOKEN', 'CREATED'],
        projects.map((p) => [String(p.id), p.name, p.api_token, shortTime(p.created_at)]),
      ),
    )
    return 0
  }
  const name = positionals[1]?.trim()
  if (!name || positionals.length > 2) throw new UsageError('projects', 'projects create needs one NAME (quote a name with spaces)')
  const project = withStore(openStore(path, { env }), (store) => store.projects.create(name))
  out.write(`created project ${project.id}\n  project token (capture): ${project.api_token}\n`)
  return 0
}
