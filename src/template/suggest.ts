/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
 * characters as one edit (optimal string alignment): "emial" is one edit from "email".
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1)
      row.push(best)
    }
    rows.push(row)
  }
  return rows[a.length][b.length]
}

// Names this long or longer are never typos of a known one: the bound also keeps the work small.
const MAX_NAME = 64

/**
 * The known name `given` is most likely a typo of: at most two edits away, and at most a third of its
 * length, ignoring case ("emial" → "email", "Chekout" → "Checkout"); undefined when none is that close.
 * Such a name is short and near a known one, so it is safe to repeat (it cannot be a pasted token).
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  if (given.length > MAX_NAME) return undefined
  const folded = given.toLowerCase()
  let best: { name: string; distance: number } | undefined
  for (const name of known) {
    const distance = editDistance(folded, name.toLowerCase())
    const limit = Math.min(2, Math.floor(name.length / 3))
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance }
  }
  return best?.name
}
