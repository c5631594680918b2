import { ApiClient, ApiError, toApiError } from '../../src/ui/api'

interface Call {
  url: string
  init: RequestInit
}

function fakeFetch(answers: { status: number; body: unknown }[]) {
  const calls: Call[] = []
  const impl = async (url: string, init: RequestInit) => {
    calls.push({ url, init })
    const answer = answers.shift() ?? { status: 500, body: null }
    return new Response(answer.body === null ? null : JSON.stringify(answer.body), { status: answer.status })
  }
  return { calls, impl }
}

const session = { project_id: 7, project_name: 'P', key_label: 'k', scopes: [], csrf_token: 'csrf-1' }

test('after sign-in, state-changing calls carry the CSRF token and GETs do not', async () => {
  const { calls, impl } = fakeFetch([
    { status: 200, body: session },
    { status: 200, body: { id: 'f' } },
    { status: 200, body: { results: [] } },
  ])
  const client = new ApiClient(impl)
  await client.signIn('phx_key')
  expect(calls[0].url).toBe('/api/ui/session')
  expect(JSON.parse(calls[0].init.body as string)).toEqual({ personal_api_key: 'phx_key' })
  await client.request('PATCH', client.project('hog_functions/f/'), { enabled: false })
  await client.request('GET', client.project('hog_functions/'))
  expect(calls[1].url).toBe('/api/projects/7/hog_functions/f/')
  expect((calls[1].init.headers as Record<string, string>)['X-CSRFToken']).toBe('csrf-1')
  expect((calls[2].init.headers as Record<string, string>)['X-CSRFToken']).toBeUndefined()
  expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true)
})

test('a wrong key is an ApiError with the server’s code and detail', async () => {
  const { impl } = fakeFetch([{ status: 401, body: { type: 'authentication_error', code: 'invalid_api_key', detail: 'Invalid key.', attr: null } }])
  const error = await new ApiClient(impl).signIn('bad').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ApiError)
  expect(error).toMatchObject({ status: 401, type: 'authentication_error', code: 'invalid_api_key', message: 'Invalid key.', attr: null })
})

test('no session is null, not an error', async () => {
  const { impl } = fakeFetch([{ status: 401, body: { type: 'authentication_error', code: 'not_authenticated', detail: 'x', attr: null } }])
  expect(await new ApiClient(impl).currentSession()).toBeNull()
})

test('a validation error keeps every problem with its attr', () => {
  const error = toApiError(400, {
    type: 'validation_error',
    code: 'invalid_input',
    detail: 'first',
    attr: 'inputs__ad_account_id',
    errors: [
      { code: 'invalid_input', detail: 'first', attr: 'inputs__ad_account_id' },
      { code: 'required', detail: 'second', attr: 'inputs__conversion_token' },
    ],
  })
  expect(error.attr).toBe('inputs__ad_account_id')
  expect(error.problems.map((p) => p.attr)).toEqual(['inputs__ad_account_id', 'inputs__conversion_token'])
})

test('an answer without a PostHog body still becomes a typed error', () => {
  expect(toApiError(502, null)).toMatchObject({
    status: 502,
    type: 'http_error',
    code: 'http_error',
    message: 'The server answered 502.',
    problems: [{ code: 'http_error', detail: 'The server answered 502.', attr: null }],
  })
})
