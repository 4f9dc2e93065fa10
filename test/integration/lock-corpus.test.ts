// The lock corpus (test/corpus/locks.yaml) run for real with --trace-locks:
// each entry's statement is executed on the test server through the step
// runner, the locks PostgreSQL really took (pg_locks) and whether the table got
// a new file (relfilenode) are compared with the lock model's prediction and
// with the corpus's expectation. A mismatch fails the test with the entry id.
// The model is given no context from the entry's setup SQL: what it knows of
// the tables (partitions, views, foreign keys, column types, indexes) it reads
// from the catalog before the statement, as a run does (lock-catalog.ts); the
// unit test checks the same predictions from the setup SQL alone.
// CI runs it on PostgreSQL 15 and on the embedded 18.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connect, runSql, type PgSession } from '../../src/exec/postgres/index.js';
import type { LockTrace } from '../../src/exec/types.js';
import { lockRank } from '../../src/sql/locks.js';
import { ensureParser, splitSql, type LockMode } from '../../src/sql/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { lockCorpus } from '../support/lock-corpus.js';


const corpus = lockCorpus;

let db: TestDatabase;
let session: PgSession;
let blocker: pg.Client;
before(async () => {
  await ensureParser();
  db = await createTestDatabase('corpus');
  session = await connect(db.url, { applicationName: 'runbook corpus' });
  blocker = new pg.Client({ connectionString: db.url, application_name: 'corpus blocker' });
  await blocker.connect();
});
after(async () => {
  await blocker?.end().catch(() => {});
  await session?.close();
  await db.drop();
});


const schemas = async (): Promise<string[]> =>
  (await db.client.query("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')")).rows.map((r) => r.nspname as string);

/**
 * A statement that cannot run in a transaction is sampled from another
 * connection, and on these small tables it is over within milliseconds: a
 * blocker holds SHARE UPDATE EXCLUSIVE on every table (the weakest mode that
 * conflicts with what these statements take, so the name lookups' ACCESS
 * SHARE passes), and the statement's main lock is seen waiting.
 */
async function runHeldUp(run: () => Promise<unknown>): Promise<void> {
  const tables = (await db.client.query("SELECT format('%I.%I', n.nspname, c.relname) AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema')")).rows.map((r) => r.t as string);
  if (tables.length === 0) {
    await run();
    return;
  }
  await blocker.query('BEGIN');
  let running: Promise<unknown> | undefined;
  try {
    await blocker.query(`LOCK TABLE ${tables.join(', ')} IN SHARE UPDATE EXCLUSIVE MODE`);
    running = run();
    const deadline = Date.now() + 3000;
    let waitingSince: Date | undefined;
    while (!waitingSince && Date.now() < deadline) {
      const waiting = await db.client.query('SELECT clock_timestamp() AS at FROM pg_locks WHERE pid = $1 AND NOT granted LIMIT 1', [session.target.backendPid]);
      waitingSince = waiting.rows[0]?.at;
      if (!waitingSince) await new Promise((r) => setTimeout(r, 5));
    }
    // Held until the sampler has read pg_locks whole since the statement was seen waiting (its
    // query started after that and is over), not for a fixed time: on a loaded machine a
    // sample can take longer than any pause chosen here.
    const sampledBy = Date.now() + 10_000;
    while (waitingSince && Date.now() < sampledBy) {
      const sampled = await db.client.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%FROM pg_locks l WHERE l.pid = $1%' AND state = 'idle' AND query_start > $1 AND pid <> pg_backend_pid()",
        [waitingSince],
      );
      if (sampled.rowCount) break;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await blocker.query('COMMIT');
  }
  await running;
}

test(`every corpus entry, traced on the test server, takes the locks and rewrite predicted and expected (${corpus.length} entries)`, async () => {
  const version = session.target.serverVersionNum;
  const problems: string[] = [];
  let traced = 0;
  const refused: string[] = [];
  const started = Date.now();
  const baseline = new Set(await schemas());
  for (const [n, entry] of corpus.entries()) {
    if ((entry.min_version && version < entry.min_version) || (entry.max_version && version > entry.max_version)) continue;
    const schema = `corpus_${n}`;
    const client = session.client;
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}`);
    try {
      if (entry.setup) await client.query(entry.setup);
      const traces: LockTrace[] = [];
      const started: number[] = [];
      const run = () =>
        runSql(session, { source: entry.sql, inputs: {}, transaction: 'auto', traceLocks: true }, (e) => {
          if (e.type === 'lock_trace') traces.push(e.trace);
          if (e.type === 'statement_started') started.push(e.index);
        });
      const sampled = splitSql(entry.sql)[0]?.noTransaction !== null;
      let result!: Awaited<ReturnType<typeof run>>;
      if (sampled) await runHeldUp(async () => (result = await run()));
      else result = await run();
      if (!result.ok && !started.length && /needs a client-side data stream/.test(result.error?.message ?? '')) {
        // COPY ... TO STDOUT / FROM STDIN: a step has no client stream, so the runner refuses it before sending anything.
        refused.push(entry.id);
        continue;
      }
      if (!result.ok) {
        problems.push(`${entry.id}: the statement failed: ${result.error?.message}`);
        continue;
      }
      if (traces.length !== 1) {
        problems.push(`${entry.id}: expected one trace, got ${traces.length}`);
        continue;
      }
      traced++;
      const t = traces[0];
      if (t.differences.length > 0) {
        problems.push(`${entry.id}: traced differs from predicted: ${t.differences.map((d) => `${d.relation} predicted ${d.predicted ?? 'none'}, traced ${d.traced ?? 'none'}`).join('; ')}`);
      }
      const got = Object.fromEntries(t.traced.map((l) => [l.relation, l.mode]));
      if (t.predicted === null) {
        // The model cannot see into it: the corpus names only what it knows is taken, and that must be there.
        for (const [relation, mode] of Object.entries(entry.locks)) if (got[relation] !== mode) problems.push(`${entry.id}: ${relation}: expected ${mode}, traced ${got[relation] ?? 'none'}`);
        continue;
      }
      for (const [relation, mode] of Object.entries(entry.locks)) {
        const seen = got[relation] as LockMode | undefined;
        // Sampled statements: a lock may be missed, never invented or stronger than expected.
        const ok = seen === mode || (t.method === 'sampled' && (seen === undefined || lockRank(seen) < lockRank(mode)));
        if (!ok) problems.push(`${entry.id}: ${relation}: expected ${mode}, traced ${seen ?? 'none'}`);
      }
      for (const [relation, mode] of Object.entries(got)) {
        if (!(relation in entry.locks)) problems.push(`${entry.id}: ${relation}: not expected, traced ${mode}`);
      }
      if (t.method === 'sampled' && Object.keys(entry.locks).length > 0 && !Object.keys(entry.locks).some((r) => got[r] === entry.locks[r])) {
        problems.push(`${entry.id}: sampled, but none of the expected locks was seen (${t.samples} samples: ${JSON.stringify(t.traced)})`);
      }
      if (t.rewritten.length > 0 !== entry.rewrite) problems.push(`${entry.id}: expected ${entry.rewrite ? 'a rewrite' : 'no rewrite'}, traced ${t.rewritten.length > 0 ? `a rewrite of ${t.rewritten.join(', ')}` : 'none'}`);
    } finally {
      await client.query('RESET search_path');
      for (const s of await schemas()) if (!baseline.has(s)) await client.query(`DROP SCHEMA ${pg.escapeIdentifier(s)} CASCADE`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`lock corpus: ${traced} entries traced on server ${version} in ${seconds.toFixed(1)} s${refused.length ? `; refused by the step runner: ${refused.join(', ')}` : ''}`);
  // No exceptions: every difference between what PostgreSQL took and what the model predicted fails the test.
  assert.deepEqual(problems, [], `${problems.length} mismatches:\n${problems.join('\n')}`);
  assert.ok(traced >= 150, `only ${traced} entries were traced`);
  for (const id of refused) assert.match(corpus.find((e) => e.id === id)!.sql, /\b(TO STDOUT|FROM STDIN)\b/i, `${id} was refused by the runner`);
});
