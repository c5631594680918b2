import { useState } from 'preact/hooks'
import { ApiError, type ApiClient, type Session } from '../api'

function signInMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'That personal API key was not accepted. Check that you copied the whole key and that it has not been revoked.'
  if (error instanceof ApiError && error.status === 400) return error.message
  return 'Could not reach the server. Try again in a moment.'
}

/** Exchanges a personal API key for a session cookie; the key is kept only in this input. */
export function SignIn({ client, onSignedIn, initialError }: { client: ApiClient; onSignedIn: (session: Session) => void; initialError: string | null }) {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string | null>(initialError)
  const [busy, setBusy] = useState(false)
  const submit = async (event: Event) => {
    event.preventDefault()
    if (key.trim() === '') {
      setError('Enter your personal API key.')
      return
    }
    setBusy(true)
    setError(null)
    try {
      const session = await client.signIn(key.trim())
      setKey('')
      onSignedIn(session)
    } catch (failure) {
      setError(signInMessage(failure))
    } finally {
      setBusy(false)
    }
  }
  return (
    <main class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} noValidate>
        <h1>Data pipelines</h1>
        <p class="muted">Sign in with a personal API key of this project.</p>
        <div class="field">
          <label for="personal-api-key">Personal API key</label>
          <input
            id="personal-api-key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={key}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </div>
        {error && (
          <p id="sign-in-error" class="error-message" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
