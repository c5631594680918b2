import fs from 'node:fs'
import path from 'node:path'
import Fastify from 'fastify'
import semver from 'semver'

// npm warns (EBADENGINE) at install for any package of the tree whose engines.node leaves Node 20 out.
const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: Record<string, string> | string[]; version?: string }>
}

/** engines.node as a range: the object form, or the old array form (`["node >=0.6.0"]`). */
function nodeRange(engines: Record<string, string> | string[] | undefined): string | undefined {
  if (engines === undefined) return undefined
  if (Array.isArray(engines)) return engines.find((e) => e.startsWith('node'))?.replace(/^node\s*/, '')
  return engines.node
}

describe('the dependency tree', () => {
  it('has an engines.node range that admits Node 20 in every package of package-lock.json', () => {
    const excluding = Object.entries(lock.packages)
      .map(([name, pkg]) => ({ name: name || 'this package', range: nodeRange(pkg.engines) }))
      .filter(({ range }) => range !== undefined && !semver.intersects(range, '^20.0.0'))
      .map(({ name, range }) => `${name} (${range})`)
    expect(excluding).toEqual([])
  })

  it('checks ranges the way npm does: a Node 22-only range is caught', () => {
    expect(semver.intersects('>=22', '^20.0.0')).toBe(false)
    expect(semver.intersects('^20.20.0 || >=22.22.0', '^20.0.0')).toBe(true)
    expect(nodeRange(['node >=0.6.0'])).toBe('>=0.6.0')
  })

  it('holds light-my-request (fastify inject) to cookie 1.x, which runs on Node 20 and still sends cookies', async () => {
    expect(lock.packages['node_modules/light-my-request/node_modules/cookie']?.version).toMatch(/^1\./)
    const app = Fastify()
    app.get('/', async (request) => ({ cookie: request.headers.cookie }))
    const reply = await app.inject({ url: '/', cookies: { session: 'a b', other: 'x' } })
    expect(reply.json()).toEqual({ cookie: 'session=a%20b; other=x' })
    await app.close()
  })
})
