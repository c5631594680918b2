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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-layers-'))
  write('tsconfig.json', '{"compilerOptions": {"module": "commonjs", "strict": true, "jsx": "preserve"}}')
  write('src/json.ts', 'export const isRecord = 1\n')
  write('src/ui/api.ts', 'export const api = 1\n')
  write('src/ui/form.ts', "import { api } from './api'\nimport { isRecord } from '../json'\nexport const form = api + isRecord\n")
  write('src/server/app.ts', "import { api } from '../ui/api'\nexport const app = api\n")
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

test('the page importing the rest of src/, and the server importing the page, are each reported', () => {
  const found = layerViolations(dir).sort((x, y) => x.rule.localeCompare(y.rule))
  expect(found).toEqual([
    { rule: 'nothing-imports-ui', from: 'src/server/app.ts', to: 'src/ui/api.ts' },
    { rule: 'ui-only-talks-http', from: 'src/ui/form.ts', to: 'src/json.ts' },
  ])
})
