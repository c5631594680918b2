import { sparklinePath } from '../metrics'

const WIDTH = 56
const HEIGHT = 18

/** Seven days as a small line; the numbers are in the text beside it, so the drawing is hidden from screen readers. */
export function Sparkline({ values, tone }: { values: number[]; tone: 'good' | 'bad' }) {
  return (
    <svg class={`sparkline ${tone}`} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" focusable="false">
      <path d={sparklinePath(values, WIDTH, HEIGHT)} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
    </svg>
  )
}
