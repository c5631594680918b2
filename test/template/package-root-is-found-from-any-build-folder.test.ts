import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { packageRoot, readPackageFile } from '../../src/template/files'
import { TEMPLATE_PATH } from '../../src/template/load'

const made: string[] = []
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true })
})

describe('the package folder', () => {
  it('is found from src/, dist/ and a benchmark build alike', () => {
    const pkg = tempDir('package-')
    fs.writeFileSync(path.join(pkg, 'package.json'), '{}')
    for (const folder of ['src/template', 'dist/template', 'dist-bench/src/template']) {
      fs.mkdirSync(path.join(pkg, folder), { recursive: true })
      expect(packageRoot(path.join(pkg, folder))).toBe(pkg)
    }
  })

  it('is this checkout when running from source, and holds the template the loader reads', () => {
    expect(packageRoot(path.join(__dirname, '../../src/template'))).toBe(path.resolve(__dirname, '../..'))
    expect(JSON.parse(readPackageFile(TEMPLATE_PATH)).id).toBe('segment-actions-pinterest-conversions-api')
  })

  it('is an error naming the folder when no package.json is above it', () => {
    const lonely = tempDir('no-package-')
    expect(() => packageRoot(lonely)).toThrow(`no package.json above ${lonely}`)
  })
})
