/**
 * CodeMirror writes its styles with style-mod, which puts them in a `<style>` element when the editor is in a
 * document (it keeps constructed sheets for shadow roots). The page's CSP (`style-src 'self'`) blocks such an
 * element, and the editor would lose its layout. Here a document gets one constructed stylesheet instead,
 * adopted by the document, which the CSP allows. Imported before any editor is made.
 */
import { StyleModule } from 'style-mod'

interface Adopted {
  sheet: CSSStyleSheet
  modules: StyleModule[]
}

const adopted = new WeakMap<Document, Adopted>()

/** style-mod's ordering: a module mounted later, or later in one call, takes precedence; true when it changed. */
function merge(known: StyleModule[], modules: StyleModule[]): boolean {
  let changed = false
  let next = 0
  for (const module of modules) {
    let index = known.indexOf(module)
    if (index > -1 && index < next) {
      known.splice(index, 1)
      next--
      index = -1
    }
    if (index === -1) {
      known.splice(next++, 0, module)
      changed = true
    } else {
      next = index + 1
    }
  }
  return changed
}

function mountInDocument(doc: Document, modules: StyleModule[]): void {
  let entry = adopted.get(doc)
  if (!entry) {
    entry = { sheet: new CSSStyleSheet(), modules: [] }
    adopted.set(doc, entry)
  }
  if (merge(entry.modules, modules)) entry.sheet.replaceSync(entry.modules.map((m) => m.getRules()).join('\n'))
  // First, so that the page's own adopted sheets (none today) would still win.
  if (!doc.adoptedStyleSheets.includes(entry.sheet)) doc.adoptedStyleSheets = [entry.sheet, ...doc.adoptedStyleSheets]
}

const original = StyleModule.mount.bind(StyleModule)

StyleModule.mount = (root, modules, options) => {
  const list: StyleModule[] = Array.isArray(modules) ? [...modules] : [modules as StyleModule]
  if (root instanceof Document && 'adoptedStyleSheets' in root) mountInDocument(root, list)
  else original(root, modules, options)
}
