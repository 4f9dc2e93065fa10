import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { querySqlite } from '../../src/exec/sqlite.js';
import { compareVerdicts } from '../../src/checks/compare.js';
import { evaluate } from '../../src/checks/evaluate.js';
import { KEPT_ROWS } from '../../src/exec/types.js';
import { createTestDatabase } from '../support/db.js';
import { runCli } from '../support/cli.js';

function withSqliteFile(fn: (path: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-sqlite-'));
    const path = join(dir, 'source.db');
    const db = new Database(path);
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
      CREATE TABLE messages (id INTEGER PRIMARY KEY, user_id INTEGER, body TEXT);
      INSERT INTO users (name) VALUES ('ada'), ('grace'), (NULL);
    `);
    const insert = db.prepare('INSERT INTO messages (user_id, body) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run((i % 3) + 1, `message ${i}`);
    })();
    db.close();
    try {
      await fn(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('columns, rows and an exact count', withSqliteFile((path) => {
  const r = querySqlite(path, 'SELECT id, name FROM users ORDER BY id');
  assert.equal(r.ok, true);
  assert.deepEqual(r.columns, ['id', 'name']);
  assert.deepEqual(r.rows, [{ id: 1, name: 'ada' }, { id: 2, name: 'grace' }, { id: 3, name: null }]);
  assert.equal(r.rowCount, 3);
  // psql's aligned format: names centred, numbers right-aligned, NULL empty, the count.
  assert.equal(r.output, [' id | name', '----+-------', '  1 | ada', '  2 | grace', '  3 |', '(3 rows)'].join('\n'));
  assert.ok(r.durationMs >= 0);
}));

test('rows are kept up to KEPT_ROWS, the count stays exact', withSqliteFile((path) => {
  const r = querySqlite(path, 'SELECT * FROM messages');
  assert.equal(r.rowCount, 500);
  assert.equal(r.rows.length, KEPT_ROWS);
}));

test('the file is opened read-only', withSqliteFile((path) => {
  const r = querySqlite(path, 'DELETE FROM users');
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'sql');
  assert.match(r.error?.message ?? '', /read-only/);
  assert.equal(querySqlite(path, 'SELECT count(*) AS n FROM users').rows[0].n, 3);
}));

test('SQL errors are reported', withSqliteFile((path) => {
  const r = querySqlite(path, 'SELECT * FROM nope');
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'sql');
  assert.match(r.error?.message ?? '', /no such table: nope/);
}));

test('a missing file names the path and says it does not exist', () => {
  const path = join(tmpdir(), 'runbook-no-such-file.db');
  const r = querySqlite(path, 'SELECT 1');
  assert.equal(r.ok, false);
  assert.equal(r.error?.kind, 'connection');
  assert.equal(r.error?.message, `SQLite file does not exist: ${path}`);
});

test('a file that is not a database is a connection error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-notadb-'));
  try {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'this is not a database, just some text that is long enough to have a header '.repeat(10));
    const r = querySqlite(path, 'SELECT 1');
    assert.equal(r.error?.kind, 'connection');
    assert.match(r.error?.message ?? '', /not a SQLite database/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the result is judged like any other', withSqliteFile((path) => {
  const verdicts = evaluate({ rows: 3, some_row: { name: 'grace' } }, querySqlite(path, 'SELECT * FROM users'));
  assert.ok(verdicts.every((v) => v.ok), JSON.stringify(verdicts));
  const nulls = evaluate({ no_rows: true }, querySqlite(path, 'SELECT * FROM users WHERE name IS NULL'));
  assert.deepEqual(nulls.map((v) => v.actual), ['1 row, first: {id: 3, name: NULL}']);
}));

test('row counts in SQLite vs PostgreSQL, keyed by table', withSqliteFile(async (path) => {
  const pg = await createTestDatabase('sqlite_cmp');
  try {
    await pg.client.query(`
      CREATE TABLE users (id bigint PRIMARY KEY, name text);
      CREATE TABLE messages (id bigint PRIMARY KEY, user_id bigint, body text);
      INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 3) g;
      INSERT INTO messages SELECT g, 1, 'm' FROM generate_series(1, 499) g;
    `);
    const countsSql = "SELECT 'users' AS table_name, count(*) AS count FROM users UNION ALL SELECT 'messages', count(*) FROM messages";
    const source = querySqlite(path, countsSql);
    const target = await pg.client.query(countsSql);
    const verdicts = compareVerdicts(
      { label: 'sqlite', columns: source.columns, rows: source.rows },
      { label: 'postgres', columns: target.fields.map((f) => f.name), rows: target.rows },
      { op: '=', by: 'table_name', tolerance: 0 },
    );
    assert.deepEqual(verdicts, [
      { label: 'table_name = users', ok: true, expected: 'count: sqlite = postgres', actual: 'sqlite 3, postgres 3' },
      { label: 'table_name = messages', ok: false, expected: 'count: sqlite = postgres', actual: 'sqlite 500, postgres 499 (difference 1)' },
    ]);
  } finally {
    await pg.drop();
  }
}));

test('a SQLite file built from an input: the runbook\'s default is held to its folder tree (the refusal names the input); the operator\'s own value is used', async () => {
  const base = mkdtempSync(join(tmpdir(), 'runbook-sqlite-tree-'));
  const project = join(base, 'project');
  mkdirSync(join(project, 'runbooks'), { recursive: true });
  writeFileSync(join(project, 'package.json'), '{}');
  const outside = join(base, 'cookies.db');
  const inside = join(project, 'data.db');
  for (const path of [outside, inside]) {
    const db = new Database(path);
    db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('private');");
    db.close();
  }
  const book = (def: string) => {
    const file = join(project, 'runbooks', 'book.yaml');
    writeFileSync(
      file,
      JSON.stringify({
        runbook: 1,
        id: 'sqlite-tree',
        title: 'SQLite from an input',
        inputs: { source_path: { type: 'path', default: def } },
        connections: { source: { sqlite: '{{ inputs.source_path }}' } },
        steps: [{ id: 'one', title: 'Read the source', sql: 'SELECT 1', verify: [{ title: 'the source has its row', connection: 'source', sql: 'SELECT count(*) AS n FROM t', expect: { row: { n: 1 } } }] }],
      }),
    );
    return file;
  };
  const db = await createTestDatabase('sqlt');
  try {
    const common = ['--db', db.url, '--plain', '--yes', '--state-dir', join(base, 'state')];
    const refused = await runCli(['run', book('../../cookies.db'), ...common]);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /connection "source": its SQLite file comes from input source_path, whose value is the runbook's own default, and ".*cookies\.db" is outside the runbook's folder tree .*give it yourself: --input source_path=PATH/);
    assert.doesNotMatch(refused.stdout, /private/);
    const inTree = await runCli(['run', book('../data.db'), ...common]);
    assert.equal(inTree.code, 0, inTree.stdout + inTree.stderr);
    const given = await runCli(['run', book('../../cookies.db'), ...common, '--input', `source_path=${outside}`]);
    assert.equal(given.code, 0, given.stdout + given.stderr);
    assert.match(given.stdout, /✓ the source has its row/);
  } finally {
    await db.drop();
    rmSync(base, { recursive: true, force: true });
  }
});
