import { Client } from 'pg'
import type { FunctionWrite } from '../../../src/store/types'
import { openTestStore, type TestStore } from '../../helpers/stores'

const BY_TEST = { actor: { key_id: null, label: 'test' } }
const fn = (name: string): FunctionWrite => ({
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: { conversion_token: 'pina_x' },
  mappings: null,
  filters: null,
})

let opened: TestStore

beforeEach(async () => {
  opened = await openTestStore('postgres')
})

afterEach(() => opened.close())

test('on Postgres, when the version cannot be saved, neither is the change, and the store goes on', async () => {
  const { store } = opened
  store.projects.create('Shop')
  store.functions.insert(fn('Pinterest'), BY_TEST)
  const raw = new Client({ connectionString: opened.location })
  await raw.connect()
  await raw.query(`CREATE FUNCTION refuse_versions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'versions are full'; END $$;
    CREATE TRIGGER no_versions BEFORE INSERT ON hog_function_versions FOR EACH ROW EXECUTE FUNCTION refuse_versions()`)
  expect(() => store.functions.update(fn('Renamed'), BY_TEST)).toThrow('versions are full')
  expect(store.functions.get(1, 'fn-1')?.name).toBe('Pinterest')
  expect(store.functions.versions(1, 'fn-1', { limit: 10, offset: 0 }).count).toBe(1)
  await raw.query('DROP TRIGGER no_versions ON hog_function_versions')
  await raw.end()
  expect(store.functions.update(fn('Renamed'), BY_TEST).name).toBe('Renamed')
  expect(store.functions.versions(1, 'fn-1', { limit: 10, offset: 0 }).results.map((v) => v.version)).toEqual([2, 1])
})
