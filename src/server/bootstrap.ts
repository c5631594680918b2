import type { Store } from '../store/types'

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
  if (store.projects.count() === 0) {
    const project = store.projects.create('Default project', env.PIPELINES_PROJECT_TOKEN?.trim() || undefined)
    const { key } = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'bootstrap', wantedKey)
    return { created: { projectId: project.id, projectToken: project.api_token, apiKey: key, keyFromEnvironment: wantedKey !== undefined } }
  }
  // A deployment that sets the key later still gets it, once.
  if (wantedKey && !store.keys.find(wantedKey)) store.keys.create(1, ['hog_function:read', 'hog_function:write'], 'environment', wantedKey)
  return {}
}
