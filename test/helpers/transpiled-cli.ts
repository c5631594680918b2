import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const ROOT = path.resolve(__dirname, '../..')

/**
 * The CLI's sources transpiled once, for tests that start many processes: under ts-node every process (and
 * its pipeline thread) transpiles all of src again, which on two shared cores takes longer than the test.
 * Written below the package (node_modules/.cache) so that the package's files and modules resolve as from
 * src. Returns the folder; `main` is its CLI script.
 */
export function transpileCli(): { dir: string; main: string; remove(): void } {
  const dir = path.join(ROOT, 'node_modules', '.cache', `capi-test-cli-${process.pid}-${randomBytes(3).toString('hex')}`)
  const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.build.json'), ts.sys.readFile)
  // Parsed with its `extends`, as tsc would.
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, { declaration: false, sourceMap: false })
  copyTree(path.join(ROOT, 'src'), path.join(dir, 'src'), options)
  return { dir, main: path.join(dir, 'src', 'cli', 'main.js'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

function copyTree(from: string, to: string, options: ts.CompilerOptions): void {
  fs.mkdirSync(to, { recursive: true })
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name)
    // The page is built apart (dist/ui) and the server reads it from there.
    if (entry.isDirectory()) {
      if (entry.name !== 'ui') copyTree(source, path.join(to, entry.name), options)
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), { compilerOptions: options, fileName: source })
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), outputText)
    } else if (entry.name.endsWith('.json')) {
      fs.copyFileSync(source, path.join(to, entry.name))
    }
  }
}
