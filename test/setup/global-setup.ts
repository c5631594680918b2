import { STATE_ENV, startCluster, URL_ENV } from './postgres-cluster'

// Runs once before the test files: they inherit the environment set here.
export default async function globalSetup(): Promise<void> {
  if (process.env[URL_ENV]) return
  const { url, dir } = await startCluster()
  process.env[URL_ENV] = url
  process.env[STATE_ENV] = dir
}
