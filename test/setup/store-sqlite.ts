// The default project: the server tests run on SQLite (test/helpers/server-store.ts reads this).
process.env.TEST_STORE = 'sqlite'
