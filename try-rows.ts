import { SyncPgConnection } from './src/store/postgres/sync-connection'
const c = new SyncPgConnection('postgres://postgres@127.0.0.1:55432/lead_try')
c.exec("CREATE TABLE r AS SELECT g AS id, 'proj' AS a, 'fn-abc' AS b, repeat('x', 400) AS payload, g*1000::bigint AS t, NULL::text AS e FROM generate_series(1,1000) g")
const st = c.prepare('SELECT * FROM r')
for (let k = 0; k < 5; k++) {
  const t = performance.now()
  for (let i = 0; i < 20; i++) st.all()
  console.log('ms per 1000 rows', ((performance.now() - t) / 20).toFixed(2))
}
c.close()
