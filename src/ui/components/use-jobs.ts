import { useEffect, useRef, useState } from 'preact/hooks'
import type { ApiClient } from '../api'
import { finishedJobs, isRunning, type Job, withJob } from '../deliveries'

export interface Jobs {
  jobs: Job[]
  error: string | null
  /** A job just started: shown at once, and polled while it runs. */
  add(job: Job): void
  cancel(job: Job): Promise<void>
  /** Reads the jobs again (Refresh: one may have been started elsewhere, by the CLI say). */
  reload(): void
}

/**
 * The function's replay and backfill jobs, read again every `pollMs` while one runs; `onFinished` is called
 * when a running job ends (the failed deliveries it replayed have then changed).
 */
export function useJobs(client: ApiClient, functionId: string, pollMs: number, onFinished: () => void): Jobs {
  const [jobs, setJobs] = useState<Job[]>([])
  const [error, setError] = useState<string | null>(null)
  const held = useRef({ jobs, onFinished })
  held.current = { jobs, onFinished }
  const path = (rest = '') => client.project(`hog_functions/${encodeURIComponent(functionId)}/jobs/${rest}`)

  const load = async () => {
    try {
      const answer = await client.request<{ results: Job[] }>('GET', path())
      if (finishedJobs(held.current.jobs, answer.results).length > 0) held.current.onFinished()
      setJobs(answer.results)
      setError(null)
    } catch (failure) {
      setError((failure as Error).message)
    }
  }

  useEffect(() => {
    void load()
  }, [client, functionId])

  const running = jobs.some(isRunning)
  useEffect(() => {
    if (!running) return
    const timer = setInterval(load, pollMs)
    return () => clearInterval(timer)
  }, [client, functionId, running, pollMs])

  return {
    jobs,
    error,
    add: (job) => setJobs((current) => withJob(current, job)),
    reload: () => void load(),
    cancel: async (job) => {
      try {
        const cancelled = await client.request<Job>('POST', path(`${encodeURIComponent(job.id)}/cancel/`))
        setJobs((current) => withJob(current, cancelled))
        held.current.onFinished()
      } catch (failure) {
        setError((failure as Error).message)
      }
    },
  }
}
