import { STATE_ENV, stopCluster } from './postgres-cluster'

export default function globalTeardown(): void {
  const dir = process.env[STATE_ENV]
  if (dir) stopCluster(dir)
}
