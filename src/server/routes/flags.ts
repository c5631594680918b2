import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isRecord } from '../../json'
import type { ProjectStore } from '../../store/types'
import { ApiError, notFound } from '../errors'
import { decodeRequestBody, invalidProjectToken, registerBrowserEndpoints } from './browser-endpoints'

/**
 * posthog-js asks for flags (`/flags/`, older versions `/decide/`) and its remote config
 * (`/array/TOKEN/config`) at start. This server has no feature flags, session recording, surveys or
 * site apps: it answers in PostHog's shapes that there are none, so the SDK starts without errors.
 */
export function registerFlagRoutes(app: FastifyInstance, projects: ProjectStore): void {
  const paths = ['/flags', '/decide', '/array/:token/config', '/array/:token/config.js']
  registerBrowserEndpoints(app, paths, (scope) => {
    scope.get('/flags', async (request) => minimalAnswer(versionOf(request)))
    scope.get('/decide', async (request) => minimalAnswer(versionOf(request)))
    scope.post('/flags', async (request) => {
      await readFlagsRequest(request, projects)
      const version = versionOf(request)
      const config = configOf(request)
      // PostHog's default for a request that names neither: the current shape, with the config.
      const bare = version === undefined && config === undefined
      return flagsAnswer(bare || (version ?? 1) >= 2 ? 'flags' : 'legacy', bare || config === true)
    })
    scope.post('/decide', async (request) => {
      await readFlagsRequest(request, projects)
      const version = versionOf(request) ?? 1
      const shape = version >= 4 ? 'flags' : version === 3 ? 'legacy' : version === 2 ? 'decide-v2' : 'decide-v1'
      return flagsAnswer(shape, configOf(request) ?? true)
    })
    scope.get('/array/:token/config', async (request) => remoteConfig(projectOfPath(request, projects)))
    scope.get('/array/:token/config.js', async (request, reply) => {
      const token = projectOfPath(request, projects)
      reply.type('application/javascript; charset=utf-8')
      const value = JSON.stringify({ config: remoteConfig(token), siteApps: [] })
      return `(function() {\n  window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {};\n  window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(token)}] = ${value};\n})();\n`
    })
  })
}

type Shape = 'flags' | 'legacy' | 'decide-v1' | 'decide-v2'

/** The body must name a known project and a distinct id, as PostHog's flags service requires. */
async function readFlagsRequest(request: FastifyRequest, projects: ProjectStore): Promise<void> {
  const body = await decodeRequestBody(request)
  const record = isRecord(body) ? body : {}
  const token = typeof record.token === 'string' ? record.token : typeof record.api_key === 'string' ? record.api_key : undefined
  if (!token || !projects.byToken(token)) throw invalidProjectToken()
  const id = record.distinct_id
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
    throw new ApiError(400, { type: 'validation_error', code: 'invalid_input', detail: 'The distinct_id field is missing from the request.', attr: 'distinct_id' })
  }
}

function versionOf(request: FastifyRequest): number | undefined {
  const v = (request.query as { v?: unknown }).v
  if (typeof v !== 'string' || v === '') return undefined
  const n = Number.parseInt(v, 10)
  return Number.isFinite(n) ? n : 1
}

function configOf(request: FastifyRequest): boolean | undefined {
  const value = (request.query as { config?: unknown }).config
  if (typeof value !== 'string') return undefined
  const text = value.toLowerCase()
  return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined
}

const SUPPORTED_COMPRESSION = ['gzip', 'gzip-js']

/** PostHog's config fields for a project with every optional product off. */
function configFields(): Record<string, unknown> {
  return {
    supportedCompression: SUPPORTED_COMPRESSION,
    autocapture_opt_out: false,
    capturePerformance: false,
    config: { enable_collect_everything: true },
    elementsChainAsString: true,
    autocaptureExceptions: false,
    sessionRecording: false,
    surveys: false,
    toolbarParams: {},
    isAuthenticated: false,
    siteApps: [],
    heatmaps: false,
    flagsPersistenceDefault: false,
    defaultIdentifiedOnly: true,
    errorTracking: { autocaptureExceptions: false, suppressionRules: [] },
  }
}

function flagsAnswer(shape: Shape, withConfig: boolean): Record<string, unknown> {
  const config = withConfig ? configFields() : {}
  const requestId = randomUUID()
  switch (shape) {
    case 'flags':
      return { errorsWhileComputingFlags: false, flags: {}, requestId, ...config }
    case 'legacy':
      return { errorsWhileComputingFlags: false, featureFlags: {}, featureFlagPayloads: {}, requestId, ...config }
    case 'decide-v2':
      return { featureFlags: {}, requestId, ...config }
    case 'decide-v1':
      return { featureFlags: [], requestId, ...config }
  }
}

/** PostHog answers a GET without evaluating anything. */
function minimalAnswer(version: number | undefined): Record<string, unknown> {
  const answer = flagsAnswer((version ?? 1) >= 2 ? 'flags' : 'legacy', false)
  return { ...answer, supportedCompression: SUPPORTED_COMPRESSION }
}

function projectOfPath(request: FastifyRequest, projects: ProjectStore): string {
  const token = (request.params as { token: string }).token
  if (!projects.byToken(token)) throw notFound()
  return token
}

/** The remote config posthog-js loads first; `hasFeatureFlags: false` spares it the flags request. */
function remoteConfig(token: string): Record<string, unknown> {
  const { supportedCompression, capturePerformance, autocapture_opt_out, autocaptureExceptions, elementsChainAsString, errorTracking, sessionRecording, heatmaps, surveys, defaultIdentifiedOnly } =
    configFields()
  return {
    token,
    supportedCompression,
    hasFeatureFlags: false,
    captureDeadClicks: false,
    capturePerformance,
    autocapture_opt_out,
    autocaptureExceptions,
    elementsChainAsString,
    errorTracking,
    sessionRecording,
    heatmaps,
    surveys,
    defaultIdentifiedOnly,
  }
}
