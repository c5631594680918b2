/** Rows under headers, each column as wide as its widest cell; no trailing spaces. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  return [headers, ...rows]
    .map(
      (cells) =>
        cells
          .map((cell, i) => cell.padEnd(widths[i]))
          .join('  ')
          .trimEnd() + '\n',
    )
    .join('')
}

/** An instant to the second, in UTC (`2026-12-01T10:00:00Z`), or `never`. */
export function shortTime(iso: string | null): string {
  return iso === null ? 'never' : iso.replace(/\.\d+Z$/, 'Z')
}
