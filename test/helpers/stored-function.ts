import type { FunctionWrite, Store, StoredFunction } from '../../src/store/types'

type NewFunction = FunctionWrite

/** A Pinterest destination written straight into the store (no REST validation), enabled, with the defaults. */
export function insertPinterestFunction(store: Store, fields: Pick<NewFunction, 'id' | 'project_id'> & Partial<NewFunction>): StoredFunction {
  return store.functions.insert(
    {
      type: 'destination',
      name: 'Pinterest',
      description: '',
      enabled: true,
      deleted: false,
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: { ad_account_id: { value: '1' } },
      secrets: { conversion_token: 't' },
      mappings: null,
      filters: null,
      ...fields,
    },
    { actor: { key_id: null, label: 'test' } },
  )
}
