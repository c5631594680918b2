import { z } from 'zod'

// Mirrors components.schemas of Pinterest's OpenAPI v5.23.0 (shared/pinterest/conversions-api.openapi.json).
// Fields marked `nullable` there accept null here too, so the schema can also check bodies we did not build.

export const STANDARD_EVENT_NAMES = [
  'add_payment_info',
  'add_to_cart',
  'add_to_wishlist',
  'app_install',
  'app_open',
  'checkout',
  'contact',
  'custom',
  'customize_product',
  'find_location',
  'initiate_checkout',
  'lead',
  'page_visit',
  'schedule',
  'search',
  'signup',
  'start_trial',
  'submit_application',
  'subscribe',
  'view_category',
  'view_content',
  'watch_video',
] as const

export const ACTION_SOURCES = ['web', 'app_android', 'app_ios', 'offline'] as const

export const OS_FAMILIES = ['ios', 'android', 'macos', 'windows', 'linux', 'bsd', 'other'] as const
export const FORM_FACTORS = ['desktop', 'laptop', 'cellphone', 'tablet', 'smartwatch', 'tv', 'vr', 'console', 'other'] as const
export const NETWORK_TYPES = ['wifi', 'cellular_2g', 'cellular_3g', 'cellular_4g', 'cellular_5g', 'cellular_6g', 'ethernet', 'unknown'] as const

const nullableText = z.string().nullable().optional()
const hashedList = z.array(z.string()).optional()
const maxText = (max: number) => z.string().max(max).optional()
const intRange = (min: number, max: number) => z.int().min(min).max(max).optional()

const userDataProperties = z.strictObject({
  em: hashedList,
  ph: hashedList,
  ge: hashedList,
  db: hashedList,
  ln: hashedList,
  fn: hashedList,
  ct: hashedList,
  st: hashedList,
  zp: hashedList,
  country: hashedList,
  external_id: hashedList,
  hashed_maids: hashedList,
  client_ip_address: z.string().optional(),
  client_user_agent: z.string().optional(),
  click_id: nullableText,
  partner_id: nullableText,
})

type UserDataShape = z.infer<typeof userDataProperties>

// The OpenAPI expresses this as anyOf over three `required` sets.
export function hasRequiredIdentifier(u: UserDataShape): boolean {
  if (u.em !== undefined || u.hashed_maids !== undefined) return true
  return u.client_ip_address !== undefined && u.client_user_agent !== undefined
}

export const UserDataSchema = userDataProperties.refine(hasRequiredIdentifier, {
  message: 'user_data needs em, hashed_maids, or both client_ip_address and client_user_agent',
})

export const ContentItemSchema = z.strictObject({
  id: z.string().optional(),
  item_price: z.string().optional(),
  quantity: z.int().optional(),
  item_name: z.string().optional(),
  item_category: z.string().optional(),
  item_brand: z.string().optional(),
})

export const CustomDataSchema = z.strictObject({
  currency: nullableText,
  value: nullableText,
  content_ids: z.array(z.string()).optional(),
  content_name: nullableText,
  content_category: nullableText,
  content_brand: nullableText,
  contents: z.array(ContentItemSchema).optional(),
  num_items: z.int().optional(),
  order_id: nullableText,
  search_string: nullableText,
  opt_out_type: nullableText,
  np: nullableText,
  predicted_ltv: nullableText,
  external_measurement_id: nullableText,
  external_measurement_vendor_id: z.int().nullable().optional(),
})

export const AppInfoSchema = z.strictObject({
  app_id: maxText(200),
  app_name: maxText(200),
  app_package_name: maxText(200),
  app_store: maxText(100),
  app_version: maxText(100),
  install_time: z.int().min(0).optional(),
  user_agent: maxText(16384),
  window_height: intRange(0, 30720),
  window_width: intRange(0, 30720),
})

export const DeviceInfoSchema = z.strictObject({
  battery_level: intRange(0, 100),
  brand: maxText(100),
  carrier: maxText(100),
  cpu_cores: intRange(0, 1152),
  external_storage_free_space: intRange(0, 1048576),
  external_storage_size: intRange(0, 1048576),
  form_factor: z.enum(FORM_FACTORS).optional(),
  kernel_version: maxText(100),
  languages: z.array(z.string()).max(100).optional(),
  locale: maxText(35),
  model: maxText(100),
  network_type: z.enum(NETWORK_TYPES).optional(),
  os_family: z.enum(OS_FAMILIES).optional(),
  os_name: maxText(100),
  os_release_name: maxText(100),
  os_version: maxText(100),
  screen_density: intRange(0, 100000),
  screen_height: intRange(0, 30720),
  screen_width: intRange(0, 30720),
  storage_free_space: intRange(0, 1048576),
  storage_size: intRange(0, 1048576),
  timezone: maxText(40),
  timezone_abbr: maxText(5),
  type: maxText(100),
})

export const PinterestEventSchema = z.strictObject({
  event_name: z.string(),
  // The OpenAPI lists the four values only in prose; Pinterest rejects anything else.
  action_source: z.enum(ACTION_SOURCES),
  event_time: z.int(),
  event_id: z.string(),
  event_source_url: nullableText,
  opt_out: z.boolean().optional(),
  partner_name: nullableText,
  user_data: UserDataSchema,
  custom_data: CustomDataSchema.optional(),
  app_id: nullableText,
  app_name: nullableText,
  app_version: nullableText,
  device_brand: nullableText,
  device_carrier: nullableText,
  device_model: nullableText,
  device_type: nullableText,
  os_version: nullableText,
  wifi: z.boolean().optional(),
  language: nullableText,
  app_info: AppInfoSchema.optional(),
  device_info: DeviceInfoSchema.optional(),
})

export type PinterestEvent = z.infer<typeof PinterestEventSchema>
export type PinterestUserData = z.infer<typeof UserDataSchema>
export type PinterestCustomData = z.infer<typeof CustomDataSchema>
export type PinterestContentItem = z.infer<typeof ContentItemSchema>
export type PinterestAppInfo = z.infer<typeof AppInfoSchema>
export type PinterestDeviceInfo = z.infer<typeof DeviceInfoSchema>
export type StandardEventName = (typeof STANDARD_EVENT_NAMES)[number]
export type ActionSource = (typeof ACTION_SOURCES)[number]
