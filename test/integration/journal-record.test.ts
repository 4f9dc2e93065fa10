// The shared record (--record-in-db) and the promise about secrets: a password
// given in the URL, and secret inputs, appear in no file the tool wrote — the
// journal, the index, the reports — nor in the record kept in the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readJournal } from '../../src/journal/journal.js';
import { runReportSchema } from '../../src/report/report-json.js';
import { createTestDatabase, serverUrl } from '../support/db.js';
import { startCli } from '../support/cli.js';


const cli = (args: string[], env: Record<string, string> = {}) => startCli(args, env).done;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

test('--record-in-db writes the run to the target database; no password or secret input reaches any file', async () => {
  const db = await createTestDatabase('jrec');
  const role = `jrec_${process.pid}_${randomBytes(3).toString('hex')}`;
  const password = `Pw-${randomBytes(6).toString('hex')}:/@x`;
  const secret = `tok-${randomBytes(6).toString('hex')}`;
  await admin(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  const dir = mkdtempSync(join(tmpdir(), 'journal-record-'));
  const stateDir = join(dir, 'state');
  try {
    const url = new URL(db.url);
    url.username = role;
    url.password = encodeURIComponent(password);
    const file = join(dir, 'book.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        runbook: 1,
        id: 'recorded',
        title: 'Recorded run',
        inputs: { api_token: { type: 'string', secret: true }, label: { type: 'string', default: 'blue' } },
        steps: [
          { id: 'table', title: 'Make a table', sql: 'CREATE TABLE tokens (t text, label text)', verify: [{ title: 'it exists', sql: `SELECT to_regclass('tokens') IS NOT NULL AS ok`, expect: { row: { ok: true } } }] },
          { id: 'store', title: 'Store the token', sql: 'INSERT INTO tokens VALUES ({{ inputs.api_token }}, {{ inputs.label }})' },
          { id: 'echo', title: 'Shell sees the target', shell: 'echo "connected to $PGDATABASE as $PGUSER"' },
        ],
      }),
    );
    const run = await cli(['run', file, '--db', url.toString(), '--plain', '--yes', '--record-in-db', '--state-dir', stateDir, '--input', `api_token=${secret}`], { RUNBOOK_OPERATOR: 'dana@ops-7' });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const runId = /run (\S+) · journal/.exec(run.stdout)![1];

    // The shared record: one row per run, one per event, the same lines as the journal.
    const journal = readJournal(join(stateDir, 'runs', `${runId}.jsonl`));
    const runs = await db.client.query('SELECT run_id, runbook, operator, outcome, target FROM runbook_record.runs');
    assert.deepEqual(runs.rows, [{ run_id: runId, runbook: 'recorded', operator: 'dana@ops-7', outcome: 'succeeded', target: journal.header.target }]);
    const events = await db.client.query('SELECT seq, type, entry FROM runbook_record.events WHERE run_id = $1 ORDER BY seq', [runId]);
    assert.equal(events.rows.length, journal.events.length);
    assert.deepEqual(events.rows.map((r) => r.entry.event), journal.events);
    const leaked = await db.client.query(`SELECT count(*)::int AS n FROM runbook_record.events WHERE entry::text LIKE '%' || $1 || '%' OR entry::text LIKE '%' || $2 || '%'`, [password, secret]);
    assert.equal(leaked.rows[0].n, 0);

    // Seen from another machine: history --db lists it.
    const shared = await cli(['history', '--db', url.toString(), '--state-dir', join(dir, 'elsewhere')]);
    assert.equal(shared.code, 0, shared.stderr);
    assert.match(shared.stdout, new RegExp(`${runId} +recorded +runbook +\\S+ +dana@ops-7 .* succeeded`));

    // Reports in each format, written into the state folder.
    for (const format of ['md', 'json', 'junit']) {
      const r = await cli(['report', runId, '--format', format, '--output', join(stateDir, `report.${format}`), '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
    }
    const md = readFileSync(join(stateDir, 'report.md'), 'utf8');
    for (const title of ['Make a table', 'Store the token', 'Shell sees the target']) assert.ok(md.includes(title));
    assert.match(md, /echo "connected to \$PGDATABASE as \$PGUSER"/);
    assert.match(md, new RegExp(`connected to ${db.name} as ${role}`));
    runReportSchema.parse(JSON.parse(readFileSync(join(stateDir, 'report.json'), 'utf8')));
    assert.match(readFileSync(join(stateDir, 'report.junit'), 'utf8'), /<testsuites name="runbook recorded run [^"]+" tests="3" failures="0" errors="0" skipped="0"/);

    // A password given in the URL, and the secret input, appear in no file the tool wrote.
    const written = filesUnder(stateDir);
    assert.ok(written.length >= 5, written.join(', '));
    const forms = [password, encodeURIComponent(password), secret];
    for (const f of written) {
      const text = readFileSync(f, 'utf8');
      for (const s of forms) assert.ok(!text.includes(s), `${f} contains a secret`);
    }
    assert.ok(readFileSync(journal.path, 'utf8').includes(`${role}:***@`), 'the URL is journalled redacted');
    assert.equal((await db.client.query('SELECT t FROM tokens')).rows[0].t, secret, 'the secret did reach the database, as a value');
  } finally {
    await db.drop();
    await admin(`DROP ROLE IF EXISTS ${role}`);
  }
});
