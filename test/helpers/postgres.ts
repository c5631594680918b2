import { randomBytes } from 'node:crypto'
import { Client } from 'pg'
import { URL_ENV } from '../setup/postgres-cluster'

function serverUrl(): string {
  const url = process.env[URL_ENV]
  if (!url) throw new Error(`${URL_ENV} is not set: run the tests through jest (its global setup starts a Postgres cluster)`)
  return url
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** A new empty database of the test run's cluster, for one test file or one test: its URL. */
export async function freshPostgresDatabase(): Promise<string> {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`
  await admin((client) => client.query(`CREATE DATABASE ${name}`))
  const url = new URL(serverUrl())
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops a database made by freshPostgresDatabase, closing whatever is still connected to it. */
export async function dropPostgresDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1)
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
}
