import { useEffect, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import type { TemplateSuggestions } from '../template-completions'
import { loadSuggestions } from '../template-suggestions'

export const NO_SUGGESTIONS: TemplateSuggestions = { events: [], eventProperties: [], personProperties: [] }

/** The names seen in the project's recent events, once loaded; none until then, or if they cannot be had. */
export function useSuggestions(client: ApiClient): TemplateSuggestions {
  const [suggestions, setSuggestions] = useState(NO_SUGGESTIONS)
  useEffect(() => {
    let current = true
    // Suggestions only help typing: without them every field still takes any name.
    loadSuggestions(client).then(
      (loaded) => current && setSuggestions(loaded),
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [client])
  return suggestions
}
