import { replayAllLabel, replaySelectedLabel } from '../deliveries'

/** "Select all on this page", the two replay buttons, and what came of the last start (or why it was refused). */
export function ReplayBar(props: {
  page: 'all' | 'some' | 'none'
  selectable: boolean
  selected: number
  /** Deliveries matching the filters; 0 when there is nothing to replay. */
  matching: number
  starting: boolean
  problem: string | null
  started: string | null
  onSelectPage: (on: boolean) => void
  onReplaySelected: () => void
  onReplayAll: () => void
}) {
  return (
    <div class="toolbar replay-bar">
      <label class="check">
        <input type="checkbox" checked={props.page === 'all'} indeterminate={props.page === 'some'} disabled={!props.selectable} onChange={(e) => props.onSelectPage(e.currentTarget.checked)} />
        Select all on this page
      </label>
      <button type="button" class="button primary" disabled={props.starting || props.selected === 0} aria-describedby="replay-message" onClick={props.onReplaySelected}>
        {replaySelectedLabel(props.selected)}
      </button>
      <button type="button" class="button" disabled={props.starting || props.matching === 0} aria-describedby="replay-message" onClick={props.onReplayAll}>
        {replayAllLabel(props.matching)}
      </button>
      {/* Next to the buttons, read out when it changes: a refused replay says why here. */}
      <div id="replay-message" class="replay-message" role="status">
        {props.problem && <p class="error-message">{props.problem}</p>}
        {!props.problem && props.started && <p class="muted">{props.started}</p>}
      </div>
    </div>
  )
}
