import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/server/app'
import type { Store } from '../../src/store/types'
import { loadTemplate } from '../../src/template/load'
import { type BuiltUi, buildFixtureUi } from '../helpers/ui-build'
import { openServerStore } from '../helpers/server-store'

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

let built: BuiltUi
let store: Store
let app: FastifyInstance

beforeAll(async () => {
  built = await buildFixtureUi()
  // Beside the assets, where a request that climbed out of their folder would find it.
  fs.writeFileSync(path.join(built.dir, 'secret.js'), 'const doctype = 1\n')
  store = openServerStore(':memory:')
  app = buildApp({ store, uiDir: built.dir })
})

afterAll(async () => {
  await app.close()
  store.close()
  built.remove()
})

const assetFile = (publicPath: string, suffix = '') => fs.readFileSync(path.join(built.dir, 'assets', path.basename(publicPath) + suffix))

describe('GET /', () => {
  it('answers the built index.html with the page CSP, no-cache and HTML headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-security-policy']).toBe(CSP)
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.body).toBe(fs.readFileSync(path.join(built.dir, 'index.html'), 'utf8'))
  })

  it('answers a 503 page that says to run npm run build when the page is not built', async () => {
    const bare = buildApp({ store, uiDir: path.join(built.dir, 'no-such-folder') })
    try {
      const response = await bare.inject({ method: 'GET', url: '/' })
      expect(response.statusCode).toBe(503)
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.body).toContain('Run <code>npm run build</code>')
    } finally {
      await bare.close()
    }
  })
})

describe('GET /ui/assets/<file>', () => {
  it.each([
    ['br, gzip, deflate', 'br', '.br'],
    ['gzip, deflate, br;q=0', 'gzip', '.gz'],
    ['gzip;q=0.5, br;q=0.9', 'br', '.br'],
    ['deflate', undefined, ''],
    ['', undefined, ''],
    ['*', 'br', '.br'],
    ['br;q=0, gzip;q=0', undefined, ''],
  ])('with Accept-Encoding %j answers content-encoding %s', async (acceptEncoding, encoding, suffix) => {
    const script = built.manifest.script
    const response = await app.inject({ method: 'GET', url: script, headers: { 'accept-encoding': acceptEncoding } })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-encoding']).toBe(encoding)
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(response.headers.vary).toBe('accept-encoding')
    expect(response.rawPayload.equals(assetFile(script, suffix))).toBe(true)
  })

  it('serves the stylesheet as CSS, and its brotli body decompresses to the file', async () => {
    const css = built.manifest.styles[0]
    const response = await app.inject({ method: 'GET', url: css, headers: { 'accept-encoding': 'br' } })
    expect(response.headers['content-type']).toBe('text/css; charset=utf-8')
    expect(zlib.brotliDecompressSync(response.rawPayload).equals(assetFile(css))).toBe(true)
  })

  it.each([
    '/ui/assets/..%2findex.html',
    '/ui/assets/..%2fsecret.js',
    '/ui/assets/%2E%2E%2Fsecret.js',
    '/ui/assets/..%2f..%2fpackage.json',
    '/ui/assets/%2e%2e%2fmanifest.json',
    '/ui/assets/..%5cindex.html',
    '/ui/assets/../index.html',
    '/ui/assets/%2e%2e/index.html',
    '/ui/assets/sub/main.js',
    '/ui/assets/.hidden.js',
    '/ui/assets/main.js%00.js',
    '/ui/assets/no-such-file-ABCDEFGH.js',
    '/ui/assets/',
  ])('answers %s with a 404 that holds no file', async (url) => {
    const response = await app.inject({ method: 'GET', url })
    expect(response.statusCode).toBe(404)
    expect(response.body).not.toMatch(/doctype|"name"|"script"/i)
  })

  it('does not serve the precompressed files by their own names', async () => {
    const response = await app.inject({ method: 'GET', url: `${built.manifest.script}.br` })
    expect(response.statusCode).toBe(404)
  })
})

describe('the icons', () => {
  it('serves the page icon that index.html links', async () => {
    expect(fs.readFileSync(path.join(built.dir, 'index.html'), 'utf8')).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">')
    const response = await app.inject({ method: 'GET', url: '/favicon.svg' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/svg+xml')
    expect(response.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*><title>Data pipelines<\/title>.*<\/svg>$/)
  })

  it('answers /favicon.ico, which browsers ask for whatever the page links, with the same icon', async () => {
    const ico = await app.inject({ method: 'GET', url: '/favicon.ico' })
    const svg = await app.inject({ method: 'GET', url: '/favicon.svg' })
    expect(ico.statusCode).toBe(200)
    expect(ico.headers['content-type']).toBe('image/svg+xml')
    expect(ico.body).toBe(svg.body)
  })

  it("serves the template's icon_url as an SVG image, at the path the template names", async () => {
    const { icon_url } = loadTemplate()
    expect(icon_url).toMatch(/^\//)
    const response = await app.inject({ method: 'GET', url: icon_url })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('image/svg+xml')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<circle [^>]*fill="#e60023"\/>.*<\/svg>$/)
  })
})
