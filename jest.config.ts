import type { Config } from 'jest'

const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // One throwaway Postgres cluster for the whole run (test/setup/postgres-cluster.ts); jest runs it once for both projects.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
} satisfies Config

/** Every test, the server's on SQLite. */
const onSqlite: Config = {
  ...shared,
  displayName: 'sqlite',
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup/store-sqlite.ts'],
}

/**
 * The server's whole API and capture suite again, each server on a fresh Postgres database
 * (test/helpers/server-store.ts). The files left out test what only SQLite has.
 */
const onPostgres: Config = {
  ...shared,
  displayName: 'postgres',
  testMatch: ['<rootDir>/test/server/**/*.test.ts', '<rootDir>/test/cli/serve-*.test.ts'],
  setupFiles: ['<rootDir>/test/setup/store-postgres.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    // The single-process lock on a SQLite file; Postgres takes any number of processes.
    'a-second-server-on-one-database-refuses-to-start',
    // Upgrades of SQLite files made by older versions (SQLite's migrations); Postgres's schema starts at this version.
    'project-settings-api',
    'functions-saved-without-mappings-are-migrated-to-their-defaults',
    // Fills the file system the SQLite file is on; Postgres's files are the database server's.
    'a-full-disk-refuses-capture-and-loses-nothing',
    // Reads the SQLite file and its WAL for secrets in clear; Postgres's files are the server's, not the process's.
    'page-sessions-sign-in-check-csrf-and-end',
    // The size limit measures the SQLite file and its WAL (capture's 503 past --max-db-size).
    'slow-clients-are-cut-off-and-the-size-limit-is-cheap',
    'serve-max-db-size-makes-capture-answer-503',
    // A busy port leaves no SQLite file behind (it checks the folder's files).
    'serve-fails-cleanly-on-a-busy-port',
    // Not SQLite-only: these choose both databases themselves, so the sqlite project runs them once.
    'serve-on-postgres-runs-api-and-worker-processes-apart',
    'serve-refuses-a-role-on-sqlite-and-postgres-without-its-key',
    'alerts-of-several-processes-on-postgres-send-each-message-once',
    'a-change-saved-through-one-process-reaches-a-worker-of-another-within-2-seconds',
  ],
}

const config: Config = {
  // The machine is shared and has two cores: a generous limit keeps a loaded run from failing on time alone.
  testTimeout: 30_000,
  // TEST_STORE=postgres runs the Postgres project alone.
  projects: process.env.TEST_STORE === 'postgres' ? [onPostgres] : [onSqlite, onPostgres],
}

export default config
