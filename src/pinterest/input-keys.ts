import { CUSTOM_DATA_KEYS } from './custom-data'
import { APP_INFO_KEYS, DEVICE_INFO_KEYS } from './device'
import { USER_DATA_KEYS } from './user-data'

/**
 * For each dictionary input of a mapping, the keys the event builder reads: any other key would be
 * dropped from every event, so configurations are checked against these.
 */
export const DICTIONARY_INPUT_KEYS: Readonly<Record<string, readonly string[]>> = {
  user_data: USER_DATA_KEYS,
  custom_data: CUSTOM_DATA_KEYS,
  app_info: APP_INFO_KEYS,
  device_info: DEVICE_INFO_KEYS,
}
