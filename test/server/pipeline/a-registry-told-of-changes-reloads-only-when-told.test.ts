import { loadHogParser } from '../../../src/hog/parser'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import type { Store } from '../../../src/store/types'
import { openServerStore } from '../../helpers/server-store'
import { insertPinterestFunction } from '../../helpers/stored-function'

let store: Store

beforeAll(loadHogParser)

beforeEach(() => {
  store = openServerStore(':memory:')
  store.projects.create('Acme')
})

afterEach(() => store.close())

const running = (registry: FunctionRegistry) => (registry.refresh().get(1) ?? []).map((f) => f.stored.id)

describe('a function registry told of configuration changes (Postgres: notifications)', () => {
  it('reads the functions again when the generation moved, and not before, however much time passed', () => {
    let nowMs = 0
    const changes = { generation: 0 }
    const registry = new FunctionRegistry(store.functions, () => nowMs, changes)
    insertPinterestFunction(store, { id: 'first', project_id: 1 })
    expect(running(registry)).toEqual(['first'])
    insertPinterestFunction(store, { id: 'second', project_id: 1 })
    nowMs += 60_000
    expect(running(registry)).toEqual(['first'])
    changes.generation += 1
    expect(running(registry).sort()).toEqual(['first', 'second'])
  })

  it('without it, reads them again every 500 ms (SQLite: one process saves and maps)', () => {
    let nowMs = 0
    const registry = new FunctionRegistry(store.functions, () => nowMs)
    insertPinterestFunction(store, { id: 'first', project_id: 1 })
    expect(running(registry)).toEqual(['first'])
    insertPinterestFunction(store, { id: 'second', project_id: 1 })
    nowMs += 499
    expect(running(registry)).toEqual(['first'])
    nowMs += 1
    expect(running(registry).sort()).toEqual(['first', 'second'])
  })
})
