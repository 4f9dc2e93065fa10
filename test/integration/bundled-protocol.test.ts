// The program as shipped (bin/runbook.js runs the bundle) reads PostgreSQL's
// messages through a pg-protocol that scripts/bundle.js edits: a one-byte
// string (a notice's or an error's field code, a one-character value) is read
// as its character when it is ASCII. What the bundled program reports of
// notices (every field), rows and an error must be exactly what pg itself
// (unedited, in this process) reads from the same server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/db.js';

// One-byte field codes (S V C M D H W F L R), one-character values in ASCII and beyond it, empty and NULL values.
const NOTICES = `DO $$ BEGIN RAISE NOTICE 'plain ascii'; RAISE WARNING 'déjà vu — 東京 🙂' USING DETAIL = 'détail', HINT = 'h'; RAISE NOTICE 'x' USING DETAIL = 'é', HINT = '東'; END $$`;
const ROWS = `SELECT 'x' AS a, 'é' AS b, true AS c, NULL::text AS d, '' AS e, '7' AS f, 'ü' AS "ß"`;
const FAILS = 'SELECT 1/0 AS boom';

// A misread field code can leave the reader in a loop: the time limit ends the test then.
test('notices, rows and an error read by the bundled program are what pg reads', { timeout: 60_000 }, async () => {
  const db = await createTestDatabase('bundleproto');
  const dir = mkdtempSync(join(tmpdir(), 'bundled-protocol-'));
  try {
    // What pg reads, unedited.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const notices: { severity?: string; message?: string; detail?: string; hint?: string }[] = [];
    client.on('notice', (n) => notices.push({ severity: n.severity, message: n.message, detail: n.detail, hint: n.hint }));
    await client.query(NOTICES);
    const rows = (await client.query({ text: ROWS, rowMode: 'array' })).rows.map((r: unknown[]) => r.map((v) => (typeof v === 'boolean' ? (v ? 't' : 'f') : v)));
    const error = (await client.query(FAILS).catch((e: pg.DatabaseError) => e)) as pg.DatabaseError;
    await client.end();
    assert.equal(notices.length, 3);
    assert.equal(error.code, '22012');

    const file = join(dir, 'rb.yaml');
    const step = (id: string, sql: string) => ({ id, title: id, sql });
    writeFileSync(file, JSON.stringify({ runbook: 1, id: 'bundled-protocol', title: 'Bundled protocol', steps: [step('notices', NOTICES), step('rows', ROWS), step('fails', FAILS)] }));
    const r = await runCli(['run', file, '--db', db.url, '--json', '--yes', '--state-dir', join(dir, 'state')]);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const output = events.filter((e) => e.type === 'item_output').map((e) => e.event);
    assert.deepEqual(
      output.filter((e) => e.type === 'notice'),
      notices.map((n) => ({ type: 'notice', severity: n.severity, message: n.message, ...(n.detail ? { detail: n.detail } : {}), ...(n.hint ? { hint: n.hint } : {}) })),
    );
    assert.deepEqual(output.find((e) => e.type === 'rows')?.rows, rows);
    const failed = events.find((e) => e.type === 'item_finished' && e.key === 'step:fails');
    assert.equal(failed?.error?.sqlstate, error.code);
    assert.match(failed?.error?.message ?? '', new RegExp(`^${error.message} `));
    assert.equal(r.code, 1, r.stderr);
  } finally {
    await db.drop();
  }
});
