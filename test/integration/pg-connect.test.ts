// Connections against a real PostgreSQL: where the URL comes from, how it is
// shown, what a session knows about its target, and what happens when the
// server cannot be reached or drops us mid-statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl, resolveDatabaseUrl } from '../../src/exec/connection-url.js';
import { freePort } from '../../src/exec/embedded.js';
import { connect, isExecFailure, queryValues, runSql, targetDiff } from '../../src/exec/postgres/index.js';
import { targetChangeWords, targetLine } from '../../src/present/target.js';
import type { ExecEvent } from '../../src/exec/types.js';
import { createTestDatabase } from '../support/db.js';

test('resolveDatabaseUrl: --db, then DATABASE_URL, then the PG* variables, else null', () => {
  const env = { DATABASE_URL: 'postgres://a@h1/d1', PGHOST: 'h2', PGDATABASE: 'd2' };
  assert.equal(resolveDatabaseUrl({ db: 'postgres://x@h0/d0', env }), 'postgres://x@h0/d0');
  assert.equal(resolveDatabaseUrl({ env }), 'postgres://a@h1/d1');
  assert.equal(resolveDatabaseUrl({ db: '', env: { DATABASE_URL: '' } }), null);
  assert.equal(resolveDatabaseUrl({ env: {} }), null);
  assert.equal(
    resolveDatabaseUrl({ env: { PGHOST: 'db.internal', PGPORT: '6432', PGDATABASE: 'app', PGUSER: 'ops', PGPASSWORD: 'p@ss/w:rd', PGSSLMODE: 'require' } }),
    'postgresql://ops:p%40ss%2Fw%3Ard@db.internal:6432/app?sslmode=require',
  );
  assert.equal(resolveDatabaseUrl({ env: { PGHOST: '/var/run/postgresql', PGDATABASE: 'app' } }), 'postgresql:///app?host=%2Fvar%2Frun%2Fpostgresql');
  assert.equal(resolveDatabaseUrl({ env: { PGUSER: 'ops' } }), 'postgresql://ops@localhost/');
});

test('redactUrl never shows a password', () => {
  const cases: [string, string][] = [
    ['postgres://ops:s3cret@db:5432/app', 'postgres://ops:***@db:5432/app'],
    ['postgresql://ops:p%40ss@db/app?sslmode=require', 'postgresql://ops:***@db/app?sslmode=require'],
    ['postgres://ops@db/app?password=s3cret&sslmode=require', 'postgres://ops@db/app?password=***&sslmode=require'],
    ['postgres://ops:un@encoded/pw@db/app', 'postgres://ops:***@db/app'],
    ["host=db user=ops password='s3 cret' dbname=app", 'host=db user=ops password=*** dbname=app'],
    ['postgres://db/app?sslpassword=s3cret', 'postgres://db/app?sslpassword=***'],
    ['postgres://ops@db/app', 'postgres://ops@db/app'],
  ];
  for (const [url, expected] of cases) {
    assert.equal(redactUrl(url), expected);
    assert.doesNotMatch(redactUrl(url), /s3|cret|p%40ss|un@encoded/);
  }
});

test('connect pins the target: server, database, version, primary, backend pid', async () => {
  const db = await createTestDatabase('pgconn');
  const session = await connect(db.url, { applicationName: 'runbook-test' });
  try {
    const t = session.target;
    const url = new URL(db.url);
    assert.equal(t.database, db.name);
    assert.equal(t.host, url.hostname);
    assert.equal(t.port, Number(url.port));
    assert.equal(t.user, 'postgres');
    assert.match(t.serverVersion, /^\d+(\.\d+)?$/);
    assert.ok(t.serverVersionNum >= 120000, `version num ${t.serverVersionNum}`);
    assert.equal(t.isReplica, false);
    assert.equal(t.url, redactUrl(db.url));
    const seen = await db.client.query('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [t.backendPid]);
    assert.equal(seen.rows[0]?.application_name, 'runbook-test');
    assert.match(targetLine(t), new RegExp(`^postgres@.*/${db.name} · PostgreSQL ${t.serverVersion.replace('.', '\\.')} · primary$`));

    const again = await session.recheckTarget();
    assert.deepEqual(targetDiff(t, again), []);
    const changed = targetDiff(t, { ...again, isReplica: true, database: 'other' });
    assert.deepEqual(changed, [
      { what: 'database', was: db.name, now: 'other' },
      { what: 'role', was: 'primary', now: 'replica' },
    ]);
    assert.deepEqual(changed.map(targetChangeWords), [
      `database is now other (was ${db.name})`,
      'the server is now a replica (read-only standby)',
    ]);
  } finally {
    await session.close();
    await db.drop();
  }
});

test('a closed port gives a connection error that says what to check, without the password', async () => {
  const port = await freePort();
  const started = Date.now();
  await assert.rejects(connect(`postgres://ops:hunter2@127.0.0.1:${port}/app`), (err: unknown) => {
    assert.ok(isExecFailure(err));
    assert.equal(err.error.kind, 'connection');
    assert.match(err.error.message, new RegExp(`127\\.0\\.0\\.1:${port}/app`));
    assert.match(err.error.message, /connection refused/);
    assert.match(err.error.message, /Is the server running/);
    assert.match(err.error.message, /--db \/ DATABASE_URL/);
    assert.doesNotMatch(err.error.message, /hunter2/);
    assert.doesNotMatch(err.error.message, /\n\s+at /); // no stack trace
    return true;
  });
  assert.ok(Date.now() - started < 5000);
});

test('a libpq keyword string is refused with the URL form to use, its password hidden', async () => {
  await assert.rejects(connect('host=db user=ops password=hunter2'), (err: unknown) => {
    assert.ok(isExecFailure(err));
    assert.equal(err.error.kind, 'connection');
    assert.match(err.error.message, /must be a URL like postgres:\/\/user@host:5432\/database/);
    assert.doesNotMatch(err.error.message, /hunter2/);
    return true;
  });
});

test('a database that does not exist is named in the error', async () => {
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = '/no_such_db_here';
  await assert.rejects(connect(url.toString()), (err: unknown) => {
    assert.ok(isExecFailure(err));
    assert.equal(err.error.kind, 'connection');
    assert.equal(err.error.sqlstate, '3D000');
    assert.match(err.error.message, /no_such_db_here/);
    return true;
  });
});

test('a connection killed mid-statement fails the action with kind connection, and the process lives on', async () => {
  const db = await createTestDatabase('pgconn');
  const session = await connect(db.url);
  try {
    const events: ExecEvent[] = [];
    const running = runSql(session, { source: 'SELECT pg_sleep(30)', inputs: {}, transaction: 'auto' }, (e) => events.push(e));
    await waitFor(async () => (await db.client.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND query LIKE '%pg_sleep(30)%' AND state = 'active'`, [session.target.backendPid])).rowCount === 1);
    await db.client.query('SELECT pg_terminate_backend($1)', [session.target.backendPid]);
    const result = await running;
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'connection');
    // The server says why (57P01) just before closing; if the close wins the race, it is "closed unexpectedly".
    assert.match(result.error!.message, /Lost the connection to .*: (the server terminated the session|the connection was closed unexpectedly)/);
    // A single statement runs in the server's own transaction (no BEGIN/COMMIT of ours): had it
    // finished just before the drop, it would be committed, so the operator is told to check.
    assert.match(result.error!.message, /whether it was committed is unknown\. Check the database before retrying/);
    assert.equal(result.error?.statementIndex, 0);

    // Everything after fails the same way, cleanly.
    const next = await runSql(session, { source: 'SELECT 1', inputs: {}, transaction: 'auto' }, () => {});
    assert.equal(next.error?.kind, 'connection');
    await assert.rejects(session.recheckTarget(), (err: unknown) => isExecFailure(err) && err.error.kind === 'connection');
    await assert.rejects(queryValues(session, 'SELECT 1'), (err: unknown) => isExecFailure(err) && err.error.kind === 'connection');
  } finally {
    await session.close();
    await db.drop();
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
