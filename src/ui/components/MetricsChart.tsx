import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'

export interface ChartSeries {
  label: string
  /** A canvas colour: uPlot draws on a canvas, which the page's styles cannot reach. */
  color: string
  values: number[]
}

const HEIGHT = 240

/**
 * The series as lines over `starts` (ms), drawn by uPlot. Hidden from assistive technology: the tab
 * shows the same figures as a table.
 */
export function MetricsChart({ starts, series }: { starts: number[]; series: ChartSeries[] }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = box.current
    if (!element) return
    const options: uPlot.Options = {
      width: element.clientWidth || 600,
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: starts.length <= 48 } }))],
      axes: [{}, { size: 48 }],
    }
    const plot = new uPlot(options, [starts.map((ms) => ms / 1000), ...series.map((s) => s.values)], element)
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [starts, series])
  return <div ref={box} class="metrics-canvas" aria-hidden="true" data-testid="metrics-chart" />
}
