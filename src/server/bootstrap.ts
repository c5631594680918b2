import { SCOPES, type Store } from '../store/types'

export interface Bootstrap {
  /** Set only when something was created now: shown once, never stored in clear. */
  created?: { projectId: number; projectToken: string; apiKey: string; keyFromEnvironment: boolean }
}

/**
 * A fresh database gets project 1 with a project token and a personal API key (read and write).
 * PIPELINES_PROJECT_TOKEN and PIPELINES_API_KEY, when set, are used instead of random ones.
 */
export function bootstrap(store: Store, env: NodeJS.ProcessEnv = process.env): Bootstrap {
  const wantedKey = env.PIPELINES_API_KEY?.trim() || undefined
  const wantedToken = env.PIPELINES_PROJECT_TOKEN?.trim() || undefined
  return store.transaction(() => {
    if (store.projects.count() === 0) {
      const project = store.projects.create('Default project', wantedToken)
      const { key } = store.keys.create(project.id, [...SCOPES], wantedKey ? ENV_LABEL : 'bootstrap', wantedKey)
      return { created: { projectId: project.id, projectToken: project.api_token, apiKey: key, keyFromEnvironment: wantedKey !== undefined } }
    }
    // Later starts keep project 1 in line with the environment: its token, and exactly one key from it.
    if (wantedToken) store.projects.setToken(1, wantedToken)
    if (wantedKey) store.keys.replaceLabelled(1, ENV_LABEL, [...SCOPES], wantedKey)
    return {}
  })
}

const ENV_LABEL = 'environment'
