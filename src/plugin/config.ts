import { ConfigError } from '../errors'
import { describeJsonError } from '../json'
import { loadTemplate } from '../template/load'

/** The settings PostHog stores for the plugin (plugin.json `config`): strings, as its UI keeps them. */
export interface PluginConfig {
  ad_account_id?: string
  conversion_token?: string
  debug_mode?: string
  test_mode?: string
  /** JSON: an array of mappings in the hog_functions shape; empty means the prebuilt mappings. */
  mappings?: string
}

const isOn = (value: string | undefined): boolean => value === 'on' || value === 'true' || value === 'Yes'

/** Translates plugin settings into the one configuration format (a hog_functions body). */
export function toFunctionConfig(config: PluginConfig): Record<string, unknown> {
  return {
    type: 'destination',
    template_id: loadTemplate().id,
    inputs: {
      ad_account_id: { value: config.ad_account_id?.trim() },
      conversion_token: { value: config.conversion_token?.trim() },
      debug_mode: { value: isOn(config.debug_mode) },
      test_mode: { value: isOn(config.test_mode) },
    },
    ...(hasMappings(config.mappings) ? { mappings: parseMappings(config.mappings) } : {}),
  }
}

function hasMappings(text: string | undefined): text is string {
  return text !== undefined && text.trim() !== ''
}

function parseMappings(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ConfigError('mappings', describeJsonError(error))
  }
}
