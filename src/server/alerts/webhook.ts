import type { WebhookBody } from './messages'

export type WebhookFetch = (url: string, init: RequestInit) => Promise<Response>

export interface WebhookOptions {
  /** How long one POST may take (default 10 s). */
  timeoutMs?: number
  /** Waits before the 2nd, 3rd, ... attempt of one message (default 1 s, 5 s): then it stays due for the next round. */
  backoffMs?: number[]
  fetch?: WebhookFetch
  /** Ends a POST in flight and the retries (the server stops): the message stays due. */
  signal?: AbortSignal
}

export const DEFAULT_WEBHOOK: Required<Pick<WebhookOptions, 'timeoutMs' | 'backoffMs'>> = { timeoutMs: 10_000, backoffMs: [1000, 5000] }

/** One POST's answer: `status` null when none came. `problem` is said without the URL (it is a secret). */
export interface WebhookAnswer {
  ok: boolean
  status: number | null
  problem: string | null
}

/**
 * One POST of the body. Errors are worded here, never passed on: a fetch error's message and cause name
 * the host and the URL. Redirects are not followed (a webhook that moved answers 3xx: not sent).
 */
export async function postWebhook(url: string, body: WebhookBody, options: WebhookOptions = {}): Promise<WebhookAnswer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK.timeoutMs
  const send = options.fetch ?? ((target, init) => fetch(target, init))
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    })
    // The answer is read and dropped, so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined)
    const ok = response.status >= 200 && response.status < 300
    return { ok, status: response.status, problem: ok ? null : `the alert webhook answered ${response.status}` }
  } catch (error) {
    const name = (error as Error).name
    const problem =
      options.signal?.aborted === true
        ? 'the alert webhook was not waited for: the server stops'
        : name === 'TimeoutError'
          ? `the alert webhook did not answer within ${timeoutMs / 1000} s`
          : 'the alert webhook could not be reached'
    return { ok: false, status: null, problem }
  }
}

/** The message, tried again after each backoff while it fails; the last answer, ok once a POST was taken. */
export async function sendWithRetries(url: string, body: WebhookBody, options: WebhookOptions, log: (line: string) => void): Promise<WebhookAnswer> {
  const backoff = options.backoffMs ?? DEFAULT_WEBHOOK.backoffMs
  let answer = await postWebhook(url, body, options)
  for (let attempt = 0; !answer.ok && attempt < backoff.length && options.signal?.aborted !== true; attempt++) {
    log(`${answer.problem}; trying again in ${backoff[attempt] / 1000} s`)
    await pause(backoff[attempt], options.signal)
    answer = await postWebhook(url, body, options)
  }
  return answer
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}
