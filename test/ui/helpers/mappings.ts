import type { Locator, Page } from 'playwright-core'
import type { RunningServer } from '../../../src/server/server'
import { firstProject } from '../../helpers/pipeline-server'

/** The Mappings tab's entry of the mapping named `name` (its row, and its fields once expanded). */
export function mappingItem(page: Page, name: string): Locator {
  return page.locator('li.mapping', { has: page.getByRole('button', { name, exact: true }) })
}

export interface StoredMapping {
  name: string
  disabled?: boolean
  filters?: { events?: { id: string; name: string; type: string }[] }
  inputs: Record<string, { value: unknown }>
}

/** The function as the REST API answers it to the project's key (not through the page). */
export async function functionByApi(server: RunningServer, id: string): Promise<{ enabled: boolean; mappings: StoredMapping[] }> {
  const response = await fetch(`${server.url}/api/projects/${firstProject.id}/hog_functions/${id}/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  if (response.status !== 200) throw new Error(`GET answered ${response.status}`)
  return (await response.json()) as { enabled: boolean; mappings: StoredMapping[] }
}
