import { ABSENT, type Field, type Reader, bad, firstItems, ok, readEnum, readObject, readText, readIntegerInRange as int, readMaxText as text } from './coerce'
import { isEmpty, pickFields } from './pick'
import { FORM_FACTORS, NETWORK_TYPES, OS_FAMILIES } from './schema'
import type { PinterestAppInfo, PinterestDeviceInfo } from './schema'
import { parseUnixSeconds } from './time'
import { describeUnknownKeys } from './unknown-keys'

const SCREEN = 30720
const STORAGE_GB = 1048576
const MAX_LANGUAGES = 100

// Aliases cover the values PostHog's SDKs put in $os, $device_type and network properties.
const OS_ALIASES = {
  'mac os x': 'macos',
  'mac os': 'macos',
  'os x': 'macos',
  ipados: 'ios',
  freebsd: 'bsd',
  openbsd: 'bsd',
} as const
const FORM_ALIASES = { mobile: 'cellphone', phone: 'cellphone', smartphone: 'cellphone', watch: 'smartwatch' } as const
const NETWORK_ALIASES = {
  'wi-fi': 'wifi',
  '2g': 'cellular_2g',
  '3g': 'cellular_3g',
  '4g': 'cellular_4g',
  '5g': 'cellular_5g',
} as const

const readInstallTime: Reader<number> = (raw) => parseUnixSeconds(raw)

const readLanguages: Reader<string[]> = (raw) => {
  if (Array.isArray(raw) && raw.length > MAX_LANGUAGES) {
    return bad(`must have at most ${MAX_LANGUAGES} entries, got ${raw.length}`)
  }
  const fields: Field<string>[] = (Array.isArray(raw) ? firstItems(raw, MAX_LANGUAGES) : [raw]).map(readText)
  const firstBad = fields.find((f) => f.kind === 'bad')
  if (firstBad?.kind === 'bad') return bad(firstBad.problem)
  const values = fields.flatMap((f) => (f.kind === 'ok' ? [f.value] : []))
  return values.length === 0 ? ABSENT : ok(values)
}

const APP_INFO_READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['app_id', text(200)],
  ['app_name', text(200)],
  ['app_package_name', text(200)],
  ['app_store', text(100)],
  ['app_version', text(100)],
  ['install_time', readInstallTime],
  ['user_agent', text(16384)],
  ['window_height', int(0, SCREEN)],
  ['window_width', int(0, SCREEN)],
])

const DEVICE_INFO_READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['battery_level', int(0, 100)],
  ['brand', text(100)],
  ['carrier', text(100)],
  ['cpu_cores', int(0, 1152)],
  ['external_storage_free_space', int(0, STORAGE_GB)],
  ['external_storage_size', int(0, STORAGE_GB)],
  ['form_factor', readEnum(FORM_FACTORS, FORM_ALIASES)],
  ['kernel_version', text(100)],
  ['languages', readLanguages],
  ['locale', text(35)],
  ['model', text(100)],
  ['network_type', readEnum(NETWORK_TYPES, NETWORK_ALIASES)],
  ['os_family', readEnum(OS_FAMILIES, OS_ALIASES)],
  ['os_name', text(100)],
  ['os_release_name', text(100)],
  ['os_version', text(100)],
  ['screen_density', int(0, 100000)],
  ['screen_height', int(0, SCREEN)],
  ['screen_width', int(0, SCREEN)],
  ['storage_free_space', int(0, STORAGE_GB)],
  ['storage_size', int(0, STORAGE_GB)],
  ['timezone', text(40)],
  ['timezone_abbr', text(5)],
  ['type', text(100)],
])

/** The keys `app_info` and `device_info` take; others are ignored. */
export const APP_INFO_KEYS: readonly string[] = [...APP_INFO_READERS.keys()]
export const DEVICE_INFO_KEYS: readonly string[] = [...DEVICE_INFO_READERS.keys()]

export interface InfoResult<T> {
  value?: T
  warnings: string[]
}

function buildInfo<T>(raw: unknown, readers: ReadonlyMap<string, Reader>, path: string): InfoResult<T> {
  const object = readObject(raw)
  if (object.kind === 'absent') return { warnings: [] }
  if (object.kind === 'bad') return { warnings: [`${path} ${object.problem}; left out`] }
  // Web events leave these empty: nothing to read.
  if (isEmpty(object.value)) return { warnings: [] }
  const picked = pickFields(object.value, readers, `${path}.`)
  const warnings = [...picked.warnings, ...describeUnknownKeys(path, picked.unknownKeys)]
  return { value: isEmpty(picked.values) ? undefined : (picked.values as T), warnings }
}

export const buildAppInfo = (raw: unknown): InfoResult<PinterestAppInfo> => buildInfo(raw, APP_INFO_READERS, 'app_info')

export const buildDeviceInfo = (raw: unknown): InfoResult<PinterestDeviceInfo> => buildInfo(raw, DEVICE_INFO_READERS, 'device_info')
