import { useCallback, useEffect, useState } from 'preact/hooks'
import type { ApiClient, Session } from '../api'
import { Shell } from './Shell'
import { SignIn } from './SignIn'

/** Sign-in or the app, as the session decides. */
export function App({ client }: { client: ApiClient }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    client.currentSession().then(setSession, (error: Error) => {
      setFailure(error.message)
      setSession(null)
    })
  }, [client])
  const signOut = useCallback(async () => {
    await client.signOut().catch(() => client.useSession(null))
    setSession(null)
  }, [client])
  if (session === undefined) return <p class="page-message">Loading…</p>
  if (session === null) return <SignIn client={client} onSignedIn={setSession} initialError={failure} />
  return <Shell client={client} session={session} onSignOut={signOut} />
}
