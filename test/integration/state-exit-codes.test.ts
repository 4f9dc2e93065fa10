// State that never strands the operator, and one exit code per outcome:
// a copied state folder works on its own (paths relative to it), a state folder
// that is a file or a journal that is a folder is named with what to do, a
// damaged journal can still be rolled back (the lost lines named), a minor
// server upgrade since the run was pinned is accepted only with a flag, and
// each command's outcomes exit with the README's codes (src/cli/exit-codes.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';
import { createTestDatabase } from '../support/db.js';

const BIN = fileURLToPath(new URL('../../../bin/runbook.js', import.meta.url));
const NO_STACK = /\n\s+at .+:\d+:\d+\)?\n/;

function book(dir: string, steps: string[]): string {
  const file = join(dir, 'book.yaml');
  writeFileSync(file, ['runbook: 1', 'id: state-book', 'title: State', 'steps:', ...steps, ''].join('\n'));
  return file;
}

const TWO_STEPS = [
  '  - id: one',
  '    title: first',
  '    sql: CREATE TABLE s1 (id int)',
  '    rollback: { sql: DROP TABLE s1 }',
  '  - id: two',
  '    title: second',
  '    sql: CREATE TABLE s2 (id int)',
  '    rollback: { sql: DROP TABLE s2 }',
];

test('a copied state folder works on its own: the index keeps journal paths relative to it', async () => {
  const db = await createTestDatabase('state');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'state-copy-'));
    const file = book(dir, TWO_STEPS);
    const r = await runCli(['run', file, '--db', db.url, '--plain', '--state-dir', join(dir, 'a')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const index = JSON.parse(readFileSync(join(dir, 'a', 'runbook.json'), 'utf8')) as { runs: Record<string, { journal: string }> };
    const [entry] = Object.values(index.runs);
    assert.match(entry.journal, /^runs\/\S+\.jsonl$/, 'relative to the state folder');
    // A bare resume after the run succeeded (a runner killed just after its last step leaves this) says why.
    const bare = await runCli(['resume', '--db', db.url, '--plain', '--state-dir', join(dir, 'a')]);
    assert.equal(bare.code, 2, bare.stdout + bare.stderr);
    assert.match(bare.stderr, /^resume: the newest run, \S+, succeeded: there is nothing to continue \(see runbook history\)\n$/);
    cpSync(join(dir, 'a'), join(dir, 'b'), { recursive: true });
    const original = readFileSync(join(dir, 'a', 'runs', readdirSync(join(dir, 'a', 'runs'))[0]), 'utf8');
    const rolled = await runCli(['rollback', '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', join(dir, 'b')]);
    assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
    assert.equal(readFileSync(join(dir, 'a', 'runs', readdirSync(join(dir, 'a', 'runs'))[0]), 'utf8'), original, 'the original folder’s journal is untouched');
    const history = await runCli(['history', '--state-dir', join(dir, 'b')]);
    assert.match(history.stdout, /rolled back/);
  } finally {
    await db.drop();
  }
});

test('a state folder that is a file, and a journal that is a folder: the path is named with what to do (exit 2)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'state-bad-'));
  const file = book(dir, TWO_STEPS);
  writeFileSync(join(dir, 'state-file'), 'not a folder');
  const r = await runCli(['history', '--state-dir', join(dir, 'state-file')]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /state-file: the state folder is a file, not a folder; move it away, or pass --state-dir/);
  assert.doesNotMatch(r.stderr, /ENOTDIR|NO_STACK/);
  const run = await runCli(['run', file, '--db', 'postgres://nobody@127.0.0.1:1/x', '--plain', '--state-dir', join(dir, 'state-file')]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /the state folder is a file/);
  mkdirSync(join(dir, 's', 'runs', '20260101-000000-abcd.jsonl'), { recursive: true });
  const listed = await runCli(['resume', '20260101-000000-abcd', '--state-dir', join(dir, 's'), '--db', 'postgres://nobody@127.0.0.1:1/x', '--plain']);
  assert.equal(listed.code, 2, listed.stderr);
  assert.match(listed.stderr, /20260101-000000-abcd\.jsonl: cannot read the journal: it is a folder, where a file is expected; move the folder away/);
  assert.doesNotMatch(listed.stdout + listed.stderr, NO_STACK);
});

test('rollback works from the readable part of a damaged journal and names the lost lines', async () => {
  const db = await createTestDatabase('state');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'state-damaged-'));
    const file = book(dir, TWO_STEPS);
    const state = join(dir, 'state');
    const r = await runCli(['run', file, '--db', db.url, '--plain', '--state-dir', state]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const path = join(state, 'runs', readdirSync(join(state, 'runs'))[0]);
    const lines = readFileSync(path, 'utf8').split('\n');
    const damaged = lines.findIndex((l) => l.includes('"item_finished"') && l.includes('step:two'));
    lines[damaged] = `${lines[damaged].slice(0, 60)}\u0000garbage`;
    writeFileSync(path, lines.join('\n'));
    const resumed = await runCli(['resume', '--db', db.url, '--plain', '--state-dir', state]);
    assert.equal(resumed.code, 2, 'a damaged journal is a problem to fix, exit 2');
    const rolled = await runCli(['rollback', '--db', db.url, '--plain', '--yes', '--confirm-danger', db.name, '--state-dir', state]);
    assert.equal(rolled.code, 0, rolled.stdout + rolled.stderr);
    assert.match(rolled.stderr, new RegExp(`journal \\S+ is damaged: line ${damaged + 1} \\(item_finished[^)]*\\) could not be read.*Those entries are lost`));
    assert.match(rolled.stdout, /step "second" did not complete and may be partly applied/);
    assert.match(rolled.stdout, /undo 1 completed step/);
    assert.doesNotMatch(rolled.stdout + rolled.stderr, NO_STACK);
    const left = await db.client.query(`SELECT string_agg(tablename, ',' ORDER BY tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
    assert.equal(left.rows[0].t, 's2', 'step one was undone; step two, whose end was lost, is left for the operator');
  } finally {
    await db.drop();
  }
});

test('a minor upgrade since the run was pinned is shown and taken only with --accept-target-change; another major is refused (exit 4)', async () => {
  const db = await createTestDatabase('state');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'state-upgrade-'));
    const file = book(dir, ['  - id: one', '    title: first', '    sql: CREATE TABLE u1 (id int)', '  - id: stop', '    title: stops', '    sql: SELECT 1/0']);
    const state = join(dir, 'state');
    const r = await runCli(['run', file, '--db', db.url, '--plain', '--state-dir', state]);
    assert.equal(r.code, 1, 'a failed step');
    const path = join(state, 'runs', readdirSync(join(state, 'runs'))[0]);
    const text = readFileSync(path, 'utf8');
    const m = /"serverVersion":"(\d+)\.(\d+)","serverVersionNum":(\d+)/.exec(text)!;
    const [major, minor, num] = [Number(m[1]), Number(m[2]), Number(m[3])];
    // As if the run had been pinned on an older minor release of the same server.
    const older = text.replace(m[0], `"serverVersion":"${major}.${minor - 1}","serverVersionNum":${num - 1}`);
    writeFileSync(path, older);
    const refused = await runCli(['resume', '--db', db.url, '--plain', '--state-dir', state, '--retry']);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, new RegExp(`pinned to PostgreSQL ${major}\\.${minor - 1}, and the server is now ${major}\\.${minor}.*resume with --accept-target-change`));
    const accepted = await runCli(['resume', '--db', db.url, '--plain', '--state-dir', state, '--skip', 'not needed here', '--accept-target-change']);
    assert.match(accepted.stdout + accepted.stderr, new RegExp(`upgraded from PostgreSQL ${major}\\.${minor - 1} to ${major}\\.${minor}.*accepted`));
    writeFileSync(path, text.replace(m[0], `"serverVersion":"${major - 1}.${minor}","serverVersionNum":${num - 10000}`));
    const major1 = await runCli(['resume', '--db', db.url, '--plain', '--state-dir', state, '--accept-target-change']);
    assert.equal(major1.code, 4, 'another major version is refused, flag or not');
    assert.match(major1.stderr, /this target differs: server version is now/);
  } finally {
    await db.drop();
  }
});

test('exit codes, one per outcome, for each command (README, src/cli/exit-codes.ts)', async () => {
  const db = await createTestDatabase('exit');
  try {
    const dir = mkdtempSync(join(tmpdir(), 'exit-codes-'));
    const ok = book(dir, ['  - id: one', '    title: ok', '    sql: SELECT 1']);
    const state = join(dir, 'state');
    const failing = join(dir, 'failing.yaml');
    writeFileSync(failing, ['runbook: 1', 'id: failing', 'title: Failing', 'steps:', '  - id: bad', '    title: fails', '    sql: SELECT 1/0', ''].join('\n'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'runbook: 1\nid: [\n');
    const codes: Record<string, number | null> = {};
    codes['validate ok'] = (await runCli(['validate', ok])).code;
    codes['validate broken'] = (await runCli(['validate', broken])).code;
    codes['run done'] = (await runCli(['run', ok, '--db', db.url, '--plain', '--state-dir', state])).code;
    codes['run failed step'] = (await runCli(['run', failing, '--db', db.url, '--plain', '--state-dir', state])).code;
    codes['run broken runbook'] = (await runCli(['run', broken, '--db', db.url, '--plain', '--state-dir', state])).code;
    codes['run bad flag'] = (await runCli(['run', ok, '--no-such-flag'])).code;
    codes['run refused connection'] = (await runCli(['run', ok, '--db', 'postgres://postgres@127.0.0.1:1/none', '--plain', '--state-dir', state])).code;
    codes['resume nothing to resume'] = (await runCli(['resume', 'nope', '--db', db.url, '--plain', '--state-dir', state])).code;
    codes['resume refused connection'] = (await runCli(['resume', '--db', 'postgres://postgres@127.0.0.1:1/none', '--plain', '--state-dir', state])).code;
    codes['rollback dry run'] = (await runCli(['rollback', '--dry-run', '--state-dir', state])).code;
    codes['history'] = (await runCli(['history', '--state-dir', state])).code;
    codes['report unknown run'] = (await runCli(['report', 'nope', '--state-dir', state])).code;
    // The lock held by another run of the same runbook on the same database.
    const holder = await db.client.query(`SELECT 1`);
    assert.ok(holder);
    const slow = join(dir, 'slow.yaml');
    writeFileSync(slow, ['runbook: 1', 'id: slow', 'title: Slow', 'steps:', '  - id: wait', '    title: waits', '    sql: SELECT pg_sleep(3)', ''].join('\n'));
    const first = spawn(process.execPath, [BIN, 'run', slow, '--db', db.url, '--plain', '--state-dir', state], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    first.stdout!.on('data', (d) => (printed += d));
    const firstDone = new Promise<number | null>((resolve) => first.on('close', (code) => resolve(code)));
    for (const until = Date.now() + 20_000; !printed.includes('pg_sleep'); await new Promise((r) => setTimeout(r, 50))) assert.ok(Date.now() < until, 'the first run starts');
    codes['run lock held'] = (await runCli(['run', slow, '--db', db.url, '--plain', '--state-dir', state])).code;
    // Ctrl-C during the statement: cancelled on the server, interrupted.
    first.kill('SIGINT');
    codes['run interrupted'] = await firstDone;
    assert.deepEqual(codes, {
      'validate ok': 0,
      'validate broken': 2,
      'run done': 0,
      'run failed step': 1,
      'run broken runbook': 2,
      'run bad flag': 2,
      'run refused connection': 4,
      'resume nothing to resume': 2,
      'resume refused connection': 4,
      'rollback dry run': 0,
      history: 0,
      'report unknown run': 2,
      'run lock held': 3,
      'run interrupted': 130,
    });
  } finally {
    await db.drop();
  }
});
