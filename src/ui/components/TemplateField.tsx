import '../codemirror-csp'
import { autocompletion, type Completion, type CompletionContext, type CompletionResult, insertCompletionText } from '@codemirror/autocomplete'
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands'
import { Compartment, EditorState, type Extension } from '@codemirror/state'
import { Decoration, EditorView, keymap, MatchDecorator, ViewPlugin, type ViewUpdate } from '@codemirror/view'
import { useLayoutEffect, useRef, useState } from 'preact/hooks'
import { braceHint, completeTemplate, type TemplateSuggestions } from '../template-completions'
import { describedBy } from './InputField'

export type { TemplateSuggestions } from '../template-completions'

interface Props {
  id: string
  label: string
  description?: string
  value: string
  onChange: (value: string) => void
  error?: string
  suggestions: TemplateSuggestions
  required?: boolean
}

function completionSource(suggestions: () => TemplateSuggestions) {
  return (context: CompletionContext): CompletionResult | null => {
    const found = completeTemplate(context.state.sliceDoc(0, context.pos), suggestions())
    if (!found) return null
    if (found.options.length === 0 && !context.explicit) return null
    const options = found.options.map(
      (option): Completion => ({
        label: option.label,
        type: option.kind,
        detail: option.detail,
        apply: (view, _completion, _from, to) => view.dispatch(insertCompletionText(view.state, option.insert, option.insertFrom, to)),
      }),
    )
    // Options come ranked and filtered already; they are asked for again as the word grows.
    return { from: found.from, options, filter: false }
  }
}

const holeMark = Decoration.mark({ class: 'cm-template-hole' })
const holes = new MatchDecorator({ regexp: /\{[^{}\n]*\}/g, decoration: () => holeMark })
const highlightHoles = ViewPlugin.fromClass(
  class {
    decorations
    constructor(view: EditorView) {
      this.decorations = holes.createDeco(view)
    }
    update(update: ViewUpdate) {
      this.decorations = holes.updateDeco(update, this.decorations)
    }
  },
  { decorations: (plugin) => plugin.decorations },
)

// Enter accepts a completion (autocompletion's keymap comes first) and otherwise adds nothing: the field is one
// line. Tab is left to the browser, so that it moves the focus on; Escape closes the completion list.
const keys = keymap.of([{ key: 'Enter', run: () => true }, ...historyKeymap, ...defaultKeymap])

/**
 * A code field for a Hog template (`{person.properties.email ?? event.properties.email}`): completion of
 * globals, event fields and the property names seen in the project inside `{…}`, its holes highlighted, the
 * server's error shown beneath it. Its editable element carries `id`, so focusing that id focuses the field.
 */
export function TemplateField({ id, label, description = '', value, onChange, error, suggestions, required = false }: Props) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const latest = useRef({ onChange, suggestions })
  latest.current = { onChange, suggestions }
  // The text the editor last reported: a `value` equal to it is the field's own edit coming back, maybe late.
  const reported = useRef(value)
  const attributes = useRef(new Compartment())
  const [focused, setFocused] = useState(false)

  const hint = focused ? undefined : braceHint(value)
  const shown = error ?? hint
  const labelId = `${id}-label`
  const described = describedBy(id, description, shown)
  const contentAttributes = (): Extension =>
    EditorView.contentAttributes.of({
      id,
      'aria-labelledby': labelId,
      'aria-multiline': 'false',
      ...(required ? { 'aria-required': 'true' } : {}),
      ...(shown ? { 'aria-invalid': 'true' } : {}),
      ...(described ? { 'aria-describedby': described } : {}),
    })

  useLayoutEffect(() => {
    if (!host.current) return
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          autocompletion({ override: [completionSource(() => latest.current.suggestions)], icons: false }),
          keys,
          highlightHoles,
          EditorView.lineWrapping,
          attributes.current.of(contentAttributes()),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) {
              reported.current = update.state.doc.toString()
              latest.current.onChange(reported.current)
            }
            if (update.focusChanged) setFocused(update.view.hasFocus)
          }),
        ],
      }),
    })
    view.current = editor
    return () => {
      editor.destroy()
      view.current = null
    }
  }, [])

  // A value set from outside (a reset, a reload) replaces the text; the field's own edits are already there.
  // A layout effect, run right after this render: a later one would hold a value older than the keys typed since.
  useLayoutEffect(() => {
    const editor = view.current
    if (!editor || value === reported.current) return
    reported.current = value
    if (editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } })
  }, [value])

  useLayoutEffect(() => {
    view.current?.dispatch({ effects: attributes.current.reconfigure(contentAttributes()) })
  }, [id, shown, description, required])

  return (
    <div class="field template-field" data-field={id}>
      {/* The editable element is no form control: aria-labelledby is what names it. */}
      <label id={labelId} for={id}>
        {label}
        {required && <span class="required"> (required)</span>}
      </label>
      <div class={shown ? 'template-editor invalid' : 'template-editor'} ref={host} />
      {description && (
        <p id={`${id}-description`} class="description">
          {description}
        </p>
      )}
      {shown && (
        <p id={`${id}-error`} class="error-message">
          {shown}
        </p>
      )}
    </div>
  )
}
