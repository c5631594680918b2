import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { packageRoot, readPackageFile, TEMPLATE_PATH } from '../../src/template/files'

const ROOT = path.resolve(__dirname, '../..')

describe('the package folder', () => {
  it('is found from src/, dist/ and a benchmark build alike', () => {
    for (const folder of ['src/template', 'dist/template', 'dist-bench/src/template']) {
      expect(packageRoot(path.join(ROOT, folder))).toBe(ROOT)
    }
  })

  it('holds the template the loader reads', () => {
    expect(JSON.parse(readPackageFile(TEMPLATE_PATH)).id).toBe('segment-actions-pinterest-conversions-api')
  })

  it('is an error naming the folder when no package.json is above it', () => {
    const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'no-package-'))
    expect(() => packageRoot(lonely)).toThrow(`no package.json above ${lonely}`)
  })
})
