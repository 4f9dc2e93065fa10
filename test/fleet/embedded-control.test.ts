// The control database when none is given: an embedded PostgreSQL kept in a
// data folder of its own (exec/embedded.ts with dataDir), started by the first
// command, reused by a second while it is up, and started again on the same
// data after it stopped.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { controlDataDir, embeddedControl } from '../../src/fleet/embedded-control.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function query(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

test('the embedded control database keeps its data between commands, and a second command uses the running one', async () => {
  const state = mkdtempSync(join(tmpdir(), 'runbook-control-'));
  dirs.push(state, controlDataDir(state));
  const first = await embeddedControl(state);
  try {
    assert.equal(first.owned, true);
    assert.match(first.url, /^postgres:\/\/postgres:[0-9a-f]{24}@127\.0\.0\.1:\d+\/postgres$/, 'a password of its own, on the loopback only');
    await query(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the first command')");
    const second = await embeddedControl(state);
    assert.equal(second.owned, false, 'the running server is used, not a second one started');
    assert.equal(second.url, first.url);
    await second.close();
    assert.deepEqual(await query(first.url, 'SELECT v FROM kept'), [{ v: 'from the first command' }], 'closing a borrowed server leaves it up');
  } finally {
    await first.close();
  }
  const again = await embeddedControl(state);
  try {
    assert.equal(again.owned, true);
    assert.deepEqual(await query(again.url, 'SELECT v FROM kept'), [{ v: 'from the first command' }], 'started again on the same data');
    const fsync = await query(again.url, 'SHOW fsync');
    assert.equal(fsync[0].fsync, 'on', 'a kept control database is durable');
  } finally {
    await again.close();
  }
});
