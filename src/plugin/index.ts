import type { Meta, PostHogEvent, ProcessedPluginEvent, Webhook } from '@posthog/plugin-scaffold'
import { Dispatcher, type Outcome } from '../delivery/dispatcher'
import type { Logger } from '../logger'
import { compileFunction, type CompiledFunction } from '../mapping/compile-function'
import { invokeFunction } from '../mapping/invoke'
import { DEFAULT_API_URL, eventsUrl } from '../pinterest/client'
import type { PinterestEvent } from '../pinterest/schema'
import { type PluginConfig, toFunctionConfig } from './config'
import { pluginEventToGlobals } from './events'

interface PluginGlobal {
  fn: CompiledFunction
  dispatcher: Dispatcher
  apiUrl: string
}

/**
 * A plugin server times exports out, so an export retries for 20 s at most (waits of up to 5 s) and
 * then reports the events given up; longer outages are the plugin server's to retry.
 */
const PLUGIN_RETRY = { maxDelayMs: 5_000, maxRetryMs: 20_000 }

type PluginMeta = Meta<{ config: PluginConfig & { api_url?: string }; global: PluginGlobal }>

const consoleLogger: Logger = (level, message) => {
  const line = `[pinterest] ${level}: ${message}`
  if (level === 'error' || level === 'warn') console.error(line)
  else console.log(line)
}

/** Validates the settings and compiles the function; a bad setting fails setup with a message naming it. */
export async function setupPlugin(meta: PluginMeta): Promise<void> {
  const fn = await compileFunction(toFunctionConfig(meta.config))
  const apiUrl = meta.config.api_url?.trim() || DEFAULT_API_URL
  meta.global.fn = fn
  meta.global.apiUrl = apiUrl
  meta.global.dispatcher = new Dispatcher({ apiUrl, logger: consoleLogger, retry: PLUGIN_RETRY, shutdownTimeoutMs: PLUGIN_RETRY.maxRetryMs })
}

export async function teardownPlugin(meta: PluginMeta): Promise<void> {
  await meta.global.dispatcher?.shutdown()
}

function mapEvent(meta: PluginMeta, event: PostHogEvent | ProcessedPluginEvent): PinterestEvent[] {
  const events: PinterestEvent[] = []
  for (const result of invokeFunction(meta.global.fn, pluginEventToGlobals(event))) {
    if (result.status === 'event') events.push(result.event)
    else if (result.status === 'skipped') meta.global.dispatcher.countSkipped()
    else consoleLogger('error', `event ${event.uuid}: ${result.reason}`)
  }
  return events
}

/** The Pinterest request for one event, or null when no mapping sends it. */
export function composeWebhook(event: PostHogEvent, meta: PluginMeta): Webhook | null {
  const data = mapEvent(meta, event)
  if (data.length === 0) return null
  const { settings } = meta.global.fn
  return {
    url: eventsUrl(meta.global.apiUrl, settings),
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${settings.conversionToken.reveal()}` },
    body: JSON.stringify({ data }),
  }
}

/** Maps a batch of events and delivers them in batches; logs each event that could not be delivered. */
export async function exportEvents(events: ProcessedPluginEvent[], meta: PluginMeta): Promise<void> {
  const { fn, dispatcher } = meta.global
  const deliveries: Promise<[PinterestEvent, Outcome]>[] = []
  for (const event of events) {
    for (const data of mapEvent(meta, event)) {
      deliveries.push(dispatcher.send(data, fn.settings).then((outcome) => [data, outcome]))
    }
  }
  await dispatcher.flush()
  for (const [data, outcome] of await Promise.all(deliveries)) {
    if (outcome.status !== 'delivered') consoleLogger('error', `event ${data.event_id} ${outcome.status}: ${outcome.reason}`)
  }
}
