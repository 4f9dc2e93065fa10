// Secrets on every channel: a secret input and the database password are
// echoed back by the database and a shell — result rows, a failed check's
// actual value, shell output ($DATABASE_URL, $PGPASSWORD), SQL error text,
// input validation messages — and every byte the program wrote (stdout and
// stderr of plain and --json runs, the reports in each format, the journal
// and state files, the shared record's tables) is searched for them. Then
// passwords that are ordinary words ("postgres", "5432", "sandbox") must not
// damage the record: the target, the user and the address stay readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { createTestDatabase, serverUrl } from '../support/db.js';
import pg from 'pg';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const RUNBOOK = {
  runbook: 1,
  id: 'leaky',
  title: 'Leaky',
  inputs: { token: { type: 'string', secret: true }, mode: { type: 'string', secret: true, choices: ['a', 'b'], default: 'a' } },
  steps: [
    { id: 'shell', title: 'Shell echoes', shell: 'echo "token=$RUNBOOK_INPUT_TOKEN url=$DATABASE_URL pw=$PGPASSWORD"; echo "$PGPASSWORD" >&2' },
    { id: 'rows', title: 'Rows echo', sql: 'SELECT {{ inputs.token }}::text AS t, current_setting(\'application_name\') AS app' },
    { id: 'check', title: 'Check echoes', sql: 'SELECT 1', verify: [{ title: 'token is not', sql: 'SELECT {{ inputs.token }}::text AS t', expect: { row: { t: 'something else' } } }] },
  ],
};
const ERROR_RUNBOOK = { ...RUNBOOK, id: 'leaky-error', steps: [{ id: 'err', title: 'Error echoes', sql: 'SELECT {{ inputs.token }}::int' }] };

test('a secret input and the password appear in no byte the program wrote, on any channel', async () => {
  const db = await createTestDatabase('secr');
  const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  const stateDir = join(dir, 'state');
  const secret = `Tok-${randomBytes(6).toString('hex')}`;
  // A role of the test's own with a password to leak (the server may authenticate by password, as the embedded one does).
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  const role = `secr_${randomBytes(4).toString('hex')}`;
  await db.client.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  try {
    writeFileSync(join(dir, 'leaky.yaml'), JSON.stringify(RUNBOOK));
    writeFileSync(join(dir, 'error.yaml'), JSON.stringify(ERROR_RUNBOOK));
    const common = ['--db', url.toString(), '--yes', '--record-in-db', '--state-dir', stateDir, '--input', `token=${secret}`];
    const written: string[] = [];
    const plain = await runCli(['run', join(dir, 'leaky.yaml'), '--plain', ...common]);
    const json = await runCli(['run', join(dir, 'leaky.yaml'), '--json', ...common]);
    const error = await runCli(['run', join(dir, 'error.yaml'), '--plain', ...common]);
    const invalid = await runCli(['run', join(dir, 'leaky.yaml'), '--plain', ...common, '--input', `mode=${secret}`]);
    for (const r of [plain, json, error, invalid]) written.push(r.stdout, r.stderr);

    // The echoes happened (the test would prove nothing otherwise), masked.
    assert.equal(plain.code, 1, plain.stdout + plain.stderr);
    assert.match(plain.stdout, new RegExp(`token=\\*\\*\\* url=postgres(ql)?://${role}:\\*\\*\\*@.* pw=\\*\\*\\*`));
    assert.match(plain.stdout, /^ {4}\*\*\*$/m, 'stderr of the shell: the password alone on a line');
    assert.match(plain.stdout, /\n {4} \*\*\* \| runbook leaky/, 'the secret row value, masked in psql\'s table');
    assert.match(plain.stdout, /actual: +.*\*\*\*/);
    assert.match(error.stdout, /invalid input syntax for type integer: "\*\*\*"/);
    assert.match(invalid.stderr + invalid.stdout, /mode: expected one of a, b, got a value that is not shown \(secret input\)/);
    for (const line of json.stdout.trim().split('\n')) JSON.parse(line);

    for (const format of ['md', 'json', 'junit']) {
      const r = await runCli(['report', '--format', format, '--state-dir', stateDir]);
      assert.equal(r.code, 0, r.stderr);
      written.push(r.stdout, r.stderr);
      const out = await runCli(['report', '--format', format, '--output', join(stateDir, `report.${format}`), '--state-dir', stateDir]);
      written.push(out.stdout, out.stderr);
    }
    const history = await runCli(['history', '--state-dir', stateDir]);
    written.push(history.stdout, history.stderr);
    const files = filesUnder(stateDir);
    assert.ok(files.some((f) => f.endsWith('.jsonl')) && files.some((f) => f.endsWith('report.md')), files.join(', '));
    for (const f of files) written.push(readFileSync(f, 'utf8'));
    // The shared record, every table of it, as text.
    const tables = await db.client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'runbook_record'`);
    assert.ok(tables.rows.length >= 2);
    for (const { table_name } of tables.rows) {
      const rows = await db.client.query(`SELECT t::text AS line FROM runbook_record.${table_name} t`);
      assert.ok(rows.rows.length > 0, table_name);
      written.push(...rows.rows.map((r) => r.line as string));
    }

    const everything = written.join('\n');
    for (const form of [secret, password, encodeURIComponent(password)]) assert.ok(!everything.includes(form), `a secret was written: ${form}`);
  } finally {
    await db.drop();
    await dropRole(role);
  }
});

test('passwords that are ordinary words do not damage the record: "postgres", "5432", "sandbox"', async () => {
  const db = await createTestDatabase('secw');
  const dir = mkdtempSync(join(tmpdir(), 'secrets-words-'));
  try {
    writeFileSync(join(dir, 'plain.yaml'), JSON.stringify({ runbook: 1, id: 'words', title: 'Words in the sandbox', steps: [{ id: 'one', title: 'Select', sql: 'SELECT 1 AS n' }] }));
    // The port as a password, whatever port the test server has; a role of the test's own takes each password.
    const port = new URL(db.url).port || '5432';
    await db.client.query(`CREATE ROLE ${WORDS_ROLE} LOGIN SUPERUSER`);
    for (const password of ['postgres', port, 'sandbox']) {
      const stateDir = join(dir, `state-${password}`);
      await db.client.query(`ALTER ROLE ${WORDS_ROLE} PASSWORD '${password}'`);
      const url = new URL(db.url);
      url.username = WORDS_ROLE;
      url.password = password;
      const run = await runCli(['run', join(dir, 'plain.yaml'), '--plain', '--yes', '--db', url.toString(), '--state-dir', stateDir]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const report = await runCli(['report', '--format', 'md', '--state-dir', stateDir]);
      const journal = filesUnder(stateDir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(f, 'utf8')).join('\n');
      for (const text of [run.stdout, report.stdout, journal]) {
        // (Markdown writes a line-leading "127." as "127\." so it cannot start a list.)
        assert.match(text, new RegExp(`127\\\\?\\.0\\.0\\.1:${port}`), `${password}: the address is intact`);
        assert.doesNotMatch(text, /:\*\*\*\/|127\.0\.0\.1:\*\*\*/, `${password}: no port masked`);
      }
      assert.match(report.stdout, new RegExp(`${WORDS_ROLE.replace('_', '\\\\?_')}@127`), `${password}: the user is intact`);
      assert.match(report.stdout, /Words in the sandbox/, `${password}: the title is intact`);
      assert.match(journal, new RegExp(`"target":"postgres(ql)?://${WORDS_ROLE}:\\*\\*\\*@127\\.0\\.0\\.1:${port}/`), `${password}: the URL's password itself is redacted`);
    }
  } finally {
    await db.drop();
    await dropRole(WORDS_ROLE);
  }
});

const WORDS_ROLE = `words_${process.pid}`;

/** Roles are the server's, not the test database's: dropped after the database that holds their objects. */
async function dropRole(role: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
  } finally {
    await admin.end();
  }
}
