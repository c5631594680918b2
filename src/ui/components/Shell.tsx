import { useCallback, useEffect, useState } from 'preact/hooks'
import type { ApiClient, Session } from '../api'
import { mayLeave } from '../leave-guard'
import { parseRoute, type Route, sameScreen } from '../routes'
import { Catalogue } from './Catalogue'
import { ConfigureDestination } from './ConfigureDestination'
import { DestinationList } from './DestinationList'
import { type Notify, Toast, type ToastMessage } from './Toast'

/** The current route, following `location.hash`; leaving a form with unsaved changes asks first. */
function useRoute(): Route {
  const [hash, setHash] = useState(location.hash)
  useEffect(() => {
    let current = location.hash
    const onHashChange = () => {
      if (location.hash === current) return
      if (!sameScreen(parseRoute(current), parseRoute(location.hash)) && !mayLeave((question) => window.confirm(question))) {
        // Back to where the user was, without a second hashchange.
        history.replaceState(null, '', current || '#/')
        return
      }
      current = location.hash
      setHash(current)
    }
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (mayLeave(() => false)) return
      event.preventDefault()
      event.returnValue = ''
    }
    window.addEventListener('hashchange', onHashChange)
    window.addEventListener('beforeunload', onBeforeUnload)
    return () => {
      window.removeEventListener('hashchange', onHashChange)
      window.removeEventListener('beforeunload', onBeforeUnload)
    }
  }, [])
  return parseRoute(hash)
}

function Screen({ route, client, notify }: { route: Route; client: ApiClient; notify: Notify }) {
  switch (route.name) {
    case 'list':
      return <DestinationList client={client} notify={notify} />
    case 'catalogue':
      return <Catalogue client={client} />
    case 'new':
      return <ConfigureDestination key={`new ${route.templateId}`} client={client} notify={notify} templateId={route.templateId} />
    case 'destination':
      return <ConfigureDestination key={route.id} client={client} notify={notify} functionId={route.id} tab={route.tab} />
    case 'not-found':
      return (
        <section class="page-message">
          <h1>Page not found</h1>
          <a href="#/">Back to destinations</a>
        </section>
      )
  }
}

export function Shell({ client, session, onSignOut }: { client: ApiClient; session: Session; onSignOut: () => void }) {
  const route = useRoute()
  const [toast, setToast] = useState<ToastMessage | null>(null)
  const notify = useCallback<Notify>((text, action) => setToast({ id: Date.now(), text, action }), [])
  const closeToast = useCallback(() => setToast(null), [])
  return (
    <div class="shell">
      <header class="top-bar">
        <a class="brand" href="#/">
          Data pipelines
        </a>
        <span class="project" title={session.key_label}>
          {session.project_name}
        </span>
        <button type="button" class="button ghost small" onClick={() => mayLeave((q) => window.confirm(q)) && onSignOut()}>
          Sign out
        </button>
      </header>
      <main class="content">
        <Screen route={route} client={client} notify={notify} />
      </main>
      <Toast toast={toast} onClose={closeToast} />
    </div>
  )
}
