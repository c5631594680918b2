import path from 'node:path'
import { FIRST_LOAD_LIMIT_BYTES, firstLoadWeight } from '../../bench/first-load'
import { type BuiltUi, buildFixtureUi } from '../helpers/ui-build'

const PAGE_ENTRY = path.join(__dirname, '..', '..', 'src', 'ui', 'main.tsx')

// The budget, checked on the page as npm run build builds it, with the bench's own measure.
describe('the page as built', () => {
  let built: BuiltUi
  beforeAll(async () => {
    built = await buildFixtureUi(PAGE_ENTRY)
  })
  afterAll(() => built.remove())

  it('loads index.html, its script and its stylesheet first', () => {
    const names = firstLoadWeight(built.dir).files.map((f) => f.file)
    expect(names).toEqual(['index.html', ...built.manifest.styles, built.manifest.script].map((url) => path.basename(url)))
  })

  it('weighs under 400 KB brotli-compressed on its first load', () => {
    const load = firstLoadWeight(built.dir)
    expect(FIRST_LOAD_LIMIT_BYTES).toBe(409_600)
    expect(load.total.br).toBeLessThanOrEqual(FIRST_LOAD_LIMIT_BYTES)
    expect(load.within_limit).toBe(true)
  })
})
