// Secrets on every channel: a secret input and the database password are
// echoed back by the database and a shell — result rows, a failed check's
// actual value, shell output ($DATABASE_URL, $PGPASSWORD), SQL error text,
// input validation messages — and every byte the program wrote (stdout and
// stderr of plain and --json runs, the reports in each format, the journal
// and state files, the shared record's tables; the run screen in a real
// terminal: every byte sent to it, secrets typed in its form, every pane) is
// searched for them, whole and in pieces. Then
// passwords that are ordinary words ("postgres", "5432", "sandbox") must not
// damage the record: the target, the user and the address stay readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runCli } from '../support/cli.js';
import { killServer, sh, Terminal } from '../e2e/tmux.js';
import { createTestDatabase, serverUrl } from '../support/db.js';
import pg from 'pg';

const BIN = join(root, 'bin', 'runbook.js');

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

/** Every piece of 7 characters of a secret: a value cut to fit a column ("Tok-1a2b3…") or wrapped over two lines leaks by halves. */
function pieces(secret: string): string[] {
  return Array.from({ length: secret.length - 6 }, (_, i) => secret.slice(i, i + 7));
}

/** What a terminal shows of a byte stream: escape sequences (CSI, OSC, two-byte ESC) gone, so text split by colour changes is whole again. */
// eslint-disable-next-line no-control-regex
const withoutEscapes = (raw: string) => raw.replace(/\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/g, '');

test('the run screen: no byte written to the terminal holds a secret — typed inputs, shell output, rows, a failed check, SQL errors, every pane', { timeout: 120_000 }, async () => {
  const db = await createTestDatabase('secs');
  const dir = mkdtempSync(join(tmpdir(), 'secrets-screen-'));
  const secret = `Tok-${randomBytes(6).toString('hex')}`;
  const password = `Pw-${randomBytes(6).toString('hex')}`;
  const role = `secs_${randomBytes(4).toString('hex')}`;
  await db.client.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  const terminals: Terminal[] = [];
  try {
    writeFileSync(join(dir, 'leaky.yaml'), JSON.stringify(RUNBOOK));
    writeFileSync(join(dir, 'error.yaml'), JSON.stringify(ERROR_RUNBOOK));
    /** The real screen in a real terminal (tmux), every byte it is sent recorded. */
    const screen = (file: string, name: string) => {
      const record = join(dir, `${name}.bytes`);
      const args = [BIN, 'run', join(dir, file), '--db', url.toString(), '--state-dir', join(dir, `state-${name}`), '--auto'].map(sh).join(' ');
      const term = new Terminal(`cd ${sh(root)} && env -u CI -u CONTINUOUS_INTEGRATION ${sh(process.execPath)} ${args}`, 120, 40, { record });
      terminals.push(term);
      return { term, record };
    };
    /** Every item's pane, scrolled from top to bottom (the screen draws only what is on view). */
    const lookEverywhere = async (term: Terminal, items: number) => {
      term.type('g');
      for (let i = 0; i < items; i++) {
        if (i > 0) term.press('Down');
        await term.waitFor(new RegExp(`step ${i + 1}/${items}`), 15_000, `the pane of step ${i + 1}`);
        term.press('PageUp', 'PageUp', 'PageUp');
        for (let page = 0; page < 4; page++) term.press('PageDown');
      }
    };

    // The secret inputs are typed in the form, the choice first wrong (its message is on screen), then right.
    const leaky = screen('leaky.yaml', 'leaky');
    await leaky.term.waitFor(/Inputs — Enter on the last/, 30_000);
    // One key at a time, each seen on the screen before the next (a burst arrives as one read, one input).
    const dots = (n: number) => new RegExp(`${n === 0 ? ' ' : `•{${n}}`}█`);
    leaky.term.type(secret);
    await leaky.term.waitFor(dots(secret.length), 15_000, 'the typed token');
    leaky.term.press('Tab');
    await leaky.term.waitFor(/› mode/, 15_000, 'the second field');
    leaky.term.press('C-u');
    await leaky.term.waitFor(/› mode +█/, 15_000, 'the field cleared');
    leaky.term.type(secret);
    await leaky.term.waitFor(/expected one of a, b, got a value that is not shown/, 15_000, 'the choice\'s message');
    leaky.term.press('C-u');
    await leaky.term.waitFor(/› mode +█/, 15_000, 'the field cleared');
    leaky.term.type('a');
    await leaky.term.waitFor(/› mode +•█/, 15_000, 'the choice');
    leaky.term.press('Enter');
    await leaky.term.waitFor(/✗ BLOCKED/, 30_000);
    await lookEverywhere(leaky.term, 3);
    leaky.term.type('q');
    assert.equal(await leaky.term.exitCode(), 1);

    const error = screen('error.yaml', 'error');
    await error.term.waitFor(/Inputs — Enter on the last/, 30_000);
    error.term.type(secret);
    await error.term.waitFor(dots(secret.length), 15_000, 'the typed token');
    error.term.press('Enter');
    await error.term.waitFor(/› mode/, 15_000, 'the second field');
    error.term.press('Enter');
    await error.term.waitFor(/✗ BLOCKED/, 30_000);
    await lookEverywhere(error.term, 1);
    error.term.type('q');
    assert.equal(await error.term.exitCode(), 1);

    const seen: string[] = [];
    for (const { term, record } of [leaky, error]) {
      // The recording is complete once the exit code, written after the program ended, is in it.
      const until = Date.now() + 10_000;
      while (!/__EXIT_\d+__/.test(existsSync(record) ? readFileSync(record, 'latin1') : '') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const raw = readFileSync(record, 'utf8');
      seen.push(raw, withoutEscapes(raw), term.screen({ escapes: true, history: true }), term.screen({ history: true }));
    }
    const shown = seen.join('\n');
    for (const form of [secret, password, encodeURIComponent(password)]) {
      const leaked = pieces(form).filter((piece) => shown.includes(piece));
      assert.deepEqual(leaked, [], `a secret (${form}) reached the terminal, whole or in part`);
    }
    // The echoes reached the screen (else the test would prove nothing), masked.
    for (const masked of [/token=\*\*\* url=postgres(ql)?:\/\/secs_[0-9a-f]+:\*\*\*@/, /pw=\*\*\*/, /actual: +"\*\*\*"/, /invalid input syntax for type integer: "\*\*\*"/, /•{8,}/]) {
      assert.match(shown, masked);
    }
  } finally {
    for (const t of terminals) t.close();
    killServer();
    await db.drop();
    await dropRole(role);
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
