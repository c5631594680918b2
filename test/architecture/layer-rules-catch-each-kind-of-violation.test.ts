import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { layerViolations } from '../helpers/layer-violations'

let dir: string

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
  fs.writeFileSync(path.join(dir, file), text)
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'))
  write('tsconfig.json', '{"compilerOptions": {"module": "commonjs", "strict": true}}')
  write('src/store/db.ts', 'export const db = 1\n')
  write('src/server/app.ts', "import { db } from '../store/db'\nimport { run } from '../cli/main'\nexport const app = db + run\n")
  write('src/cli/main.ts', "import { db } from '../store/db'\nexport const run = db\n")
  write('src/delivery/send.ts', "import type { db } from '../store/db'\nexport type Db = typeof db\n")
  write('src/mapping/filters.ts', 'export const filters = 1\n')
  write('src/template/schema.ts', "import { filters } from '../mapping/filters'\nexport const schema = filters\n")
  write('src/mapping/a.ts', "import { b } from './b'\nexport const a = () => b\n")
  write('src/mapping/b.ts', "import { a } from './a'\nexport const b = () => a\n")
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

test('each rule names the import that breaks it, and only that one', () => {
  const found = layerViolations(dir).sort((x, y) => `${x.rule} ${x.from}`.localeCompare(`${y.rule} ${y.from}`))
  expect(found).toEqual([
    // A type-only import counts too: the layer would still need the store to compile.
    { rule: 'core-not-server-or-store', from: 'src/delivery/send.ts', to: 'src/store/db.ts' },
    // A cycle is reported once, at the import that closes it.
    { rule: 'no-cycles', from: 'src/mapping/a.ts', to: 'src/mapping/b.ts' },
    { rule: 'nothing-imports-cli', from: 'src/server/app.ts', to: 'src/cli/main.ts' },
    { rule: 'template-not-mapping', from: 'src/template/schema.ts', to: 'src/mapping/filters.ts' },
  ])
})
