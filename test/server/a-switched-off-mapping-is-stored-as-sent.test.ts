import { useRestAppWithOneFunction } from '../helpers/rest-app'

const rest = useRestAppWithOneFunction()

it('keeps a mapping’s disabled flag through PATCH and GET, as PostHog stores it', async () => {
  const url = `/api/projects/1/hog_functions/${rest.functionId}/`
  const patched = await rest.call('PATCH', url, { mappings: [{ name: 'Checkout', disabled: true }, { name: 'Search' }] })
  expect(patched.status).toBe(200)
  const response = await fetch(`${rest.base}${url}`, { headers: { authorization: `Bearer ${rest.key}` } })
  const body = (await response.json()) as { mappings: { name: string; disabled?: boolean }[] }
  expect(body.mappings.map((m) => [m.name, m.disabled])).toEqual([
    ['Checkout', true],
    ['Search', undefined],
  ])
})
