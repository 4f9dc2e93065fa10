// What lint says, word for word, kept as it was before the lint path was made
// faster: every finding's file, line, column, rule, lock and words, and the
// lock model's facts and each statement's classification, for the lock corpus
// (each entry on PostgreSQL 15 and 18), the bench's migration and the shipped
// runbooks. A rule that silently stopped firing, a finding placed elsewhere or
// worded otherwise, or a lock fact that changed fails here with the first line
// that differs. The expected text is test/fixtures/lint-golden/*.txt; it is
// only rewritten on purpose (RUNBOOK_WRITE_GOLDEN=1, then read the diff).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationSql } from '../../bench/cases/lint.js';
import { lintCommand } from '../../src/cli/commands/lint.js';
import { findingLines } from '../../src/present/findings.js';
import { RULES } from '../../src/sql/finding-rules.js';
import { ensureParser, parseTreeOf, splitSql } from '../../src/sql/index.js';
import { lineColumnAt, LineIndex } from '../../src/sql/position.js';
import { seededRandom } from '../support/random.js';
import { statementsFindings } from '../../src/sql/findings.js';
import { statementLocks } from '../../src/sql/locks.js';
import { runCli } from '../support/cli.js';
import { contextAfter } from '../support/lock-context.js';
import { lockCorpus } from '../support/lock-corpus.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const goldenDir = join(repo, 'test', 'fixtures', 'lint-golden');

before(() => ensureParser());

/** Compares with the kept text line by line, naming the first line that differs (a whole-file diff of thousands of lines says nothing). */
function matchesGolden(name: string, lines: string[]): void {
  const file = join(goldenDir, `${name}.txt`);
  const text = `${lines.join('\n')}\n`;
  if (process.env.RUNBOOK_WRITE_GOLDEN === '1') {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(file, text);
  }
  assert.ok(existsSync(file), `${file} is missing`);
  const expected = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  const first = expected.findIndex((line, i) => line !== lines[i]);
  const at = first >= 0 ? first : expected.length === lines.length ? -1 : Math.min(expected.length, lines.length);
  if (at >= 0) assert.fail(`${name}: line ${at + 1} differs\n  expected: ${expected[at] ?? '(end)'}\n  actual:   ${lines[at] ?? '(end)'}`);
}

/** `runbook lint` in this process, as it prints. */
async function lintLines(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await lintCommand(args, { serverVersion: undefined }, (l) => lines.push(...l.split('\n')), (l) => lines.push(`stderr: ${l}`));
  return { code, lines: lines.map((l) => l.replaceAll(repo, '<repo>/')) };
}

/** Transactions, an enum value added and used, lock_timeout set and reset, accepted findings with and without a reason. */
const SEQUENCE = [
  'CREATE TABLE jobs (id bigint PRIMARY KEY, state text);',
  'ALTER TABLE orders ADD COLUMN note text DEFAULT \'none\';',
  'BEGIN;',
  'CREATE INDEX CONCURRENTLY jobs_state ON jobs (state);',
  "ALTER TYPE mood ADD VALUE 'great';",
  "UPDATE people SET m = 'great' WHERE id = 1;",
  'COMMIT;',
  "ALTER TYPE mood ADD VALUE 'fine';",
  "SELECT * FROM people WHERE m = 'fine';",
  "SET lock_timeout = '3s';",
  '-- runbook: accept create-index-non-concurrently built in the quiet hour',
  'CREATE INDEX orders_at ON orders (created_at);',
  'CREATE INDEX orders_by ON orders (created_by); -- runbook: accept create-index-non-concurrently',
  'SET lock_timeout = 0;',
  'ALTER TABLE orders ALTER COLUMN total TYPE numeric(14,2);',
  'RESET lock_timeout;',
  'VACUUM FULL orders;',
  'DO $$ BEGIN PERFORM 1; END $$;',
  'DISCARD ALL;',
  'START TRANSACTION;',
  'DISCARD ALL;',
  'ROLLBACK;',
].join('\n');

/** Findings in a runbook's inline SQL are placed at their YAML lines: a plain scalar, a block scalar, a rollback. */
const INLINE_RUNBOOK = [
  'runbook: 1',
  'id: golden',
  'title: Inline SQL findings',
  'steps:',
  '  - id: plain',
  '    title: A plain scalar',
  '    sql: CREATE INDEX orders_total ON orders (total)',
  '  - id: block',
  '    title: A block scalar',
  '    lock_timeout: 2s',
  '    sql: |',
  '      SELECT 1;',
  '      ALTER TABLE orders ALTER COLUMN note TYPE varchar(20);',
  '      UPDATE orders SET note = NULL;',
  '    rollback:',
  '      sql: DROP INDEX orders_total',
  '',
].join('\n');

const statementLine = (s: ReturnType<typeof splitSql>[number]) =>
  JSON.stringify({ ...s, text: s.text.length > 60 ? `${s.text.slice(0, 60)}…` : s.text });

describe('lint says what it said', () => {
  test('every lock corpus entry on 15 and 18: its statement, lock facts and findings', () => {
    const lines: string[] = [];
    for (const e of lockCorpus) {
      for (const version of [150000, 180000]) {
        if ((e.min_version && version < e.min_version) || (e.max_version && version > e.max_version)) continue;
        const statements = splitSql(e.sql);
        lines.push(`# ${e.id} on ${version / 10000}`);
        for (const s of statements) lines.push(`statement ${statementLine(s)}`);
        lines.push(`facts ${JSON.stringify(statementLocks(parseTreeOf(statements[0])!, version, contextAfter(e.setup, version)))}`);
        // No lock_timeout: the file-level rule speaks too.
        for (const f of statementsFindings(statements, [], { serverVersionNum: version, context: contextAfter(e.setup, version) })) lines.push(...findingLines(f));
      }
    }
    assert.ok(lines.length > 600, `${lines.length} lines`);
    matchesGolden('corpus', lines);
  });

  test('the bench migration (1,000 statements) on 18 and 15, as `runbook lint` prints it', async () => {
    const dir = join(repo, 'dist', 'test', 'lint-golden');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'migration-1000.sql');
    writeFileSync(file, migrationSql(1000));
    const on18 = await lintLines([file]);
    const lines = [`exit ${on18.code}`, ...on18.lines];
    const on15: string[] = [];
    const code15 = await lintCommand([file], { serverVersion: '15' }, (l) => on15.push(...l.split('\n')), (l) => on15.push(`stderr: ${l}`));
    lines.push(`# --server-version 15: exit ${code15}`, ...on15.map((l) => l.replaceAll(repo, '<repo>/')));
    // Every finding of the 1,000 statements, and each of their rules, is there.
    assert.ok(on18.lines.length > 200, `${on18.lines.length} lines`);
    matchesGolden('migration-1000', lines);
  });

  test('the bench migration (10,000 statements): the same output of `runbook lint`, by its hash, and every statement classified as before', async () => {
    const dir = join(repo, 'dist', 'test', 'lint-golden');
    mkdirSync(dir, { recursive: true });
    const sql = migrationSql();
    const file = join(dir, 'migration-10000.sql');
    writeFileSync(file, sql);
    // The real process: its bytes on stdout, written in blocks (cli/commands/lint.ts), are the lines as they were.
    const r = await runCli(['lint', file]);
    assert.equal(r.stderr, '');
    const code = r.code;
    const lines = r.stdout.replace(/\n$/, '').split('\n').map((l) => l.replaceAll(repo, '<repo>/'));
    const statements = splitSql(sql);
    const hash = (l: string[]) => createHash('sha256').update(l.join('\n')).digest('hex');
    matchesGolden('migration-10000', [
      `exit ${code}`,
      `output: ${lines.length} lines, sha256 ${hash(lines)}`,
      `last line: ${lines[lines.length - 1]}`,
      `statements: ${statements.length}, sha256 ${hash(statements.map((s) => JSON.stringify(s)))}`,
    ]);
  });

  test('what only the order of statements shows, acceptance, an old server and a syntax error', async () => {
    const dir = join(repo, 'dist', 'test', 'lint-golden');
    mkdirSync(dir, { recursive: true });
    const sequence = join(dir, 'sequence.sql');
    writeFileSync(sequence, SEQUENCE);
    const broken = join(dir, 'broken.sql');
    writeFileSync(broken, 'SELECT 1;\nCREATE INDEX ON;\n');
    const inline = join(dir, 'inline.yaml');
    writeFileSync(inline, INLINE_RUNBOOK);
    const invalid = join(dir, 'invalid.yaml');
    writeFileSync(invalid, `${INLINE_RUNBOOK}    troubleshoot: [nowhere]\n`);
    const lines: string[] = [];
    for (const version of ['18', '15', '10']) {
      const out: string[] = [];
      const code = await lintCommand([sequence, broken, inline, invalid], { serverVersion: version }, (l) => out.push(...l.split('\n')), (l) => out.push(`stderr: ${l}`));
      lines.push(`# --server-version ${version}: exit ${code}`, ...out.map((l) => l.replaceAll(repo, '<repo>/')));
    }
    matchesGolden('sequence', lines);
  });

  test('every rule is said somewhere above, so none can stop firing unseen', () => {
    const said = readdirSync(goldenDir).map((f) => readFileSync(join(goldenDir, f), 'utf8')).join('\n');
    const silent = Object.keys(RULES).filter((rule) => !new RegExp(`(error|warning|info) ${rule}[ :]`).test(said));
    assert.deepEqual(silent, []);
  });

  test('a line index answers as lineColumnAt, looked up in order, backwards and far apart', () => {
    const rand = seededRandom(41);
    const text = Array.from({ length: 400 }, (_, i) => 'x'.repeat(Math.floor(rand() * 5)) + (i % 7 === 0 ? '\n\n' : '\n')).join('');
    const lines = new LineIndex(text);
    const ordered = Array.from({ length: text.length + 1 }, (_, i) => i);
    const scattered = Array.from({ length: 2000 }, () => Math.floor(rand() * (text.length + 1)));
    for (const index of [...ordered, ...scattered, ...ordered.slice().reverse()]) assert.deepEqual(lines.at(index), lineColumnAt(text, index), `index ${index}`);
  });

  test('the shipped runbooks, as `runbook lint` prints them (findings placed at their YAML lines)', async () => {
    const runbooks = readdirSync(join(repo, 'runbooks')).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(repo, 'runbooks', f));
    const { code, lines } = await lintLines(runbooks);
    assert.ok(lines.length > 10, `${lines.length} lines`);
    matchesGolden('runbooks', [`exit ${code}`, ...lines]);
  });
});
