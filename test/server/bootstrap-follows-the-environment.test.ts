import { bootstrap } from '../../src/server/bootstrap'
import { openServerStore } from '../helpers/server-store'

describe('bootstrap', () => {
  it('creates project 1 with random credentials on an empty database, once', () => {
    const store = openServerStore(':memory:')
    const first = bootstrap(store, {})
    expect(first.created).toMatchObject({ projectId: 1, keyFromEnvironment: false, projectToken: expect.stringMatching(/^phc_/), apiKey: expect.stringMatching(/^phx_/) })
    expect(store.keys.find(first.created?.apiKey as string)?.scopes).toEqual(['hog_function:read', 'hog_function:write', 'project:read', 'project:write'])
    expect(bootstrap(store, {})).toEqual({})
    expect(store.projects.count()).toBe(1)
    store.close()
  })

  it('gives project 1 exactly the token and key of the environment, also on later starts', () => {
    const store = openServerStore(':memory:')
    expect(bootstrap(store, { PIPELINES_API_KEY: 'phx_first_key', PIPELINES_PROJECT_TOKEN: 'phc_first' }).created).toMatchObject({ keyFromEnvironment: true, projectToken: 'phc_first' })
    expect(store.keys.find('phx_first_key')?.project_id).toBe(1)
    bootstrap(store, { PIPELINES_API_KEY: 'phx_second_key', PIPELINES_PROJECT_TOKEN: 'phc_second' })
    expect(store.keys.find('phx_first_key')).toBeUndefined()
    expect(store.keys.find('phx_second_key')?.project_id).toBe(1)
    expect(store.projects.byToken('phc_second')?.id).toBe(1)
    expect(store.projects.byToken('phc_first')).toBeUndefined()
    store.close()
  })
})
