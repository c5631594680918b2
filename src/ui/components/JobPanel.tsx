import type { ComponentChildren } from 'preact'
import { utcMinute } from '../function-status'
import { isRunning, JOB_KINDS, JOB_STATUSES, type Job, progressOf, progressText } from '../deliveries'
import type { Jobs } from './use-jobs'

/** The running and recent replay and backfill jobs, each with its progress and, while it runs, Cancel; then `children` (the backfill form). */
export function JobPanel({ jobs, children }: { jobs: Jobs; children?: ComponentChildren }) {
  return (
    <section class="card job-panel" aria-labelledby="jobs-title">
      <h3 id="jobs-title">Replays and backfills</h3>
      {jobs.error && (
        <p class="error-message" role="alert">
          The jobs could not be loaded: {jobs.error}
        </p>
      )}
      {jobs.jobs.length === 0 ? (
        <p class="muted">No replay or backfill yet.</p>
      ) : (
        <ol class="job-list" aria-label="Jobs, newest first">
          {jobs.jobs.map((job) => (
            <JobItem key={job.id} job={job} onCancel={() => jobs.cancel(job)} />
          ))}
        </ol>
      )}
      {children}
    </section>
  )
}

function JobItem({ job, onCancel }: { job: Job; onCancel: () => void }) {
  const labelId = `job-${job.id}-title`
  const { value, max } = progressOf(job)
  return (
    <li class="job" data-testid="job" data-job-id={job.id}>
      <div class="job-head">
        <h4 id={labelId}>
          {JOB_KINDS[job.kind]}
          {job.range && ` of ${utcMinute(job.range.after)} – ${utcMinute(job.range.before)}`}
        </h4>
        <span class={`badge job-${job.status}`}>{JOB_STATUSES[job.status]}</span>
        <span class="muted small">
          by {job.created_by.label || 'an unnamed key'}, <time dateTime={job.created_at}>{utcMinute(job.created_at)}</time>
        </span>
      </div>
      <progress value={value} max={max} aria-labelledby={labelId} aria-describedby={`${labelId}-text`} />
      <p id={`${labelId}-text`} class="job-progress" data-testid="job-progress">
        {progressText(job)}
      </p>
      {job.failures.length > 0 && (
        <ul class="job-failures" aria-label="Failures by reason">
          {job.failures.map((f) => (
            <li key={f.reason}>
              {f.label}: {f.count.toLocaleString('en-US')}
            </li>
          ))}
        </ul>
      )}
      {isRunning(job) && (
        <button type="button" class="button small" onClick={onCancel}>
          Cancel<span class="visually-hidden"> this {JOB_KINDS[job.kind].toLowerCase()}</span>
        </button>
      )}
    </li>
  )
}
