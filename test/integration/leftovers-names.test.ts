// A dead runner's connections are found by the name they gave the server (journal/leftovers.ts):
// the run's id whole within PostgreSQL's 63 bytes, whatever the runbook's id, and the names
// runners gave before run ids grew to 24 characters (the runbook's id cut at 30) found too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { connect, type PgSession } from '../../src/exec/postgres/index.js';
import { findLeftovers, sessionApplicationName } from '../../src/journal/leftovers.js';
import { newRunId } from '../../src/journal/store.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let session: PgSession;
const others: pg.Client[] = [];
before(async () => {
  db = await createTestDatabase('leftovers');
  session = await connect(db.url, { applicationName: 'runbook leftovers test' });
});
after(async () => {
  for (const c of others) await c.end().catch(() => {});
  await session?.close();
  await db.drop();
});

async function backendNamed(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: db.url, application_name: name });
  await client.connect();
  others.push(client);
  return Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
}

test('a runbook id of any length leaves the run id whole in the name, and the dead runner’s backends are found by it', async () => {
  const longId = 'a-runbook-whose-id-is-longer-than-the-name-has-room-for';
  const runId = newRunId(Date.now());
  assert.match(runId, /^\d{8}-\d{6}-[0-9a-f]{8}$/);
  const name = sessionApplicationName(longId, runId);
  assert.ok(Buffer.byteLength(name) <= 63, `${name}: ${Buffer.byteLength(name)} bytes`);
  assert.ok(name.endsWith(` run ${runId}`));

  const current = await backendNamed(name);
  // A runner of the version before: 20-character run ids, the runbook's id cut at 30.
  const oldRunId = '20261101-101010-3fa2';
  const older = await backendNamed(`runbook ${longId.slice(0, 30)} run ${oldRunId}`);
  // Another runbook's runner is not ours.
  await backendNamed(sessionApplicationName('another-runbook', newRunId(Date.now())));

  const found = await findLeftovers(session, longId, []);
  assert.deepEqual(
    found.map((l) => [l.pid, l.runId]).sort((a, b) => Number(a[0]) - Number(b[0])),
    [
      [current, runId],
      [older, oldRunId],
    ].sort((a, b) => Number(a[0]) - Number(b[0])),
  );
});
