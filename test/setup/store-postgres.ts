// The "server on postgres" project: the same server tests, each server on a fresh Postgres database.
process.env.TEST_STORE = 'postgres'
