import { useEffect, useRef, useState } from 'preact/hooks'

export interface MenuItem {
  label: string
  run: () => void
  danger?: boolean
}

/** A button opening a menu: arrows move between its items, Escape closes it and gives focus back. */
export function RowMenu({ label, items }: { label: string; items: MenuItem[] }) {
  const [open, setOpen] = useState(false)
  const button = useRef<HTMLButtonElement>(null)
  const menu = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]')?.focus()
    const onPointer = (event: Event) => {
      if (!menu.current?.contains(event.target as Node) && event.target !== button.current) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])
  const close = () => {
    setOpen(false)
    button.current?.focus()
  }
  const onKeyDown = (event: KeyboardEvent) => {
    const entries = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]') ?? [])]
    const at = entries.indexOf(document.activeElement as HTMLButtonElement)
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: entries.length - 1 }
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    } else if (event.key === 'Tab') {
      setOpen(false)
    } else if (event.key in moves && entries.length > 0) {
      event.preventDefault()
      entries[(moves[event.key] + entries.length) % entries.length]?.focus()
    }
  }
  return (
    <div class="menu-anchor">
      <button ref={button} type="button" class="button ghost small icon-button" aria-haspopup="menu" aria-expanded={open} aria-label={label} onClick={() => setOpen(!open)}>
        ⋯
      </button>
      {open && (
        <div ref={menu} class="menu" role="menu" aria-label={label} onKeyDown={onKeyDown}>
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              class={item.danger ? 'menu-item danger' : 'menu-item'}
              onClick={() => {
                close()
                item.run()
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
