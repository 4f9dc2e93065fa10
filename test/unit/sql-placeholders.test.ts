import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bindPlaceholders,
  ensureParser,
  PlaceholderError,
  placeholdersIn,
  quoteIdent,
  parseTreeOf,
  sourcePosition,
  splitSql,
  type InputValue,
} from '../../src/sql/index.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

before(() => ensureParser());

const INJECTION = "x'); DROP TABLE t; --";

/** The PlaceholderError that bindPlaceholders throws. */
function refused(sql: string, inputs: Record<string, InputValue>, opts?: { line?: number; column?: number }): PlaceholderError {
  try {
    bindPlaceholders(sql, inputs, opts);
  } catch (e) {
    assert.ok(e instanceof PlaceholderError, `expected PlaceholderError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${sql} to be refused`);
}

describe('bindPlaceholders: values become bind parameters', () => {
  test('each input gets a number, and the same input reuses it', () => {
    const bound = bindPlaceholders(
      'SELECT * FROM t WHERE a = {{ inputs.a }} AND b = {{inputs.b}} OR a = {{ inputs.a }}',
      { a: 1, b: 'two', unused: true },
    );
    assert.equal(bound.text, 'SELECT * FROM t WHERE a = $1 AND b = $2 OR a = $1');
    assert.deepEqual(bound.params, [1, 'two']);
  });

  test('an injection attempt stays a parameter: the text changes only by $1', () => {
    const sql = 'SELECT * FROM users WHERE name = {{ inputs.name }}';
    const bound = bindPlaceholders(sql, { name: INJECTION });
    assert.equal(bound.text, 'SELECT * FROM users WHERE name = $1');
    assert.deepEqual(bound.params, [INJECTION]);
    assert.ok(!bound.text.includes('DROP'));
  });

  test('null, boolean and number values pass through as parameters', () => {
    const bound = bindPlaceholders('INSERT INTO t VALUES ({{ inputs.a }}, {{ inputs.b }}, {{ inputs.c }})', { a: null, b: false, c: 2.5 });
    assert.equal(bound.text, 'INSERT INTO t VALUES ($1, $2, $3)');
    assert.deepEqual(bound.params, [null, false, 2.5]);
  });

  test('statements that take parameters: EXPLAIN, CALL, CREATE TABLE AS, UPDATE, DELETE, CTEs', () => {
    for (const sql of [
      'EXPLAIN SELECT * FROM messages WHERE user_id = {{ inputs.v }} ORDER BY created_at DESC LIMIT 10',
      'CALL p({{ inputs.v }})',
      'CREATE TABLE t2 AS SELECT {{ inputs.v }}::int AS a',
      'UPDATE t SET a = {{ inputs.v }} WHERE id = 1',
      'DELETE FROM t WHERE id = {{ inputs.v }}',
      'WITH x AS (SELECT {{ inputs.v }}::int AS a) SELECT * FROM x',
      'SELECT 1 LIMIT {{ inputs.v }}',
    ]) {
      assert.deepEqual(bindPlaceholders(sql, { v: 1 }).params, [1], sql);
    }
  });

  test('no placeholders: the text is returned as is', () => {
    assert.deepEqual(bindPlaceholders("SELECT '{{1,2},{3,4}}'::int[]", {}), {
      text: "SELECT '{{1,2},{3,4}}'::int[]",
      params: [],
      replacements: [],
    });
  });
});

describe('bindPlaceholders: identifiers are quoted', () => {
  test('quoteIdent always quotes and doubles "', () => {
    assert.equal(quoteIdent('we"ird'), '"we""ird"');
    assert.equal(quoteIdent('Users'), '"Users"');
    assert.equal(quoteIdent('select'), '"select"');
    assert.equal(quoteIdent('✅ done'), '"✅ done"');
    assert.throws(() => quoteIdent(''), RangeError);
    assert.throws(() => quoteIdent('a\0b'), RangeError);
  });

  test('{{ ident inputs.x }} in CREATE INDEX becomes a quoted identifier', () => {
    const bound = bindPlaceholders('CREATE INDEX CONCURRENTLY {{ ident inputs.name }} ON {{ident inputs.table}} (a)', {
      name: 'we"ird',
      table: 'messages',
    });
    assert.equal(bound.text, 'CREATE INDEX CONCURRENTLY "we""ird" ON "messages" (a)');
    assert.deepEqual(bound.params, []);
  });

  test('an injection attempt as a name stays one identifier', () => {
    const bound = bindPlaceholders('DROP INDEX IF EXISTS {{ ident inputs.name }}', { name: INJECTION });
    assert.equal(bound.text, `DROP INDEX IF EXISTS "${INJECTION}"`);
    assert.equal(splitSql(bound.text).length, 1);
  });

  test('a name must be a non-empty string or a number', () => {
    assert.match(refused('SELECT * FROM {{ ident inputs.t }}', { t: null }).message, /not a name/);
    assert.match(refused('SELECT * FROM {{ ident inputs.t }}', { t: '' }).message, /empty/);
    assert.equal(bindPlaceholders('SELECT * FROM {{ ident inputs.t }}', { t: 2024 }).text, 'SELECT * FROM "2024"');
  });
});

describe('bindPlaceholders: refused with a position and advice', () => {
  test('inside a string literal', () => {
    const e = refused("SELECT *\nFROM t\nWHERE name = '{{ inputs.name }}'", { name: 'x' }, { line: 10, column: 5 });
    assert.deepEqual([e.line, e.column], [12, 15]);
    assert.match(e.message, /inside a string literal, where it would not become a bind parameter/);
    assert.match(e.message, /outside the quotes/);
  });

  test('the statement position is added on its first line', () => {
    const e = refused("SELECT '{{ inputs.name }}'", { name: 'x' }, { line: 10, column: 5 });
    assert.deepEqual([e.line, e.column], [10, 13]);
  });

  test('inside a dollar-quoted body, a comment, a quoted identifier', () => {
    assert.match(refused('SELECT $q$ {{ inputs.v }} $q$', { v: 1 }).message, /inside a dollar-quoted body/);
    assert.match(refused('SELECT 1 -- {{ inputs.v }}', { v: 1 }).message, /inside a comment/);
    assert.match(refused('SELECT 1 /* {{ inputs.v }} */', { v: 1 }).message, /inside a comment/);
    assert.match(refused('-- only {{ inputs.v }}', { v: 1 }).message, /inside a comment/);
    assert.match(refused('SELECT "{{ inputs.v }}" FROM t', { v: 1 }).message, /\{\{ ident inputs\.v \}\} without the quotes/);
    assert.match(refused("SELECT E'\\n{{ inputs.v }}'", { v: 1 }).message, /string literal/);
  });

  test('a name inside a string literal is refused: quoting would not protect it', () => {
    const e = refused("SELECT '{{ ident inputs.t }}'::regclass", { t: INJECTION });
    assert.match(e.message, /inside a string literal, where quoting would not protect it/);
    assert.match(refused('DO $$ BEGIN EXECUTE \'DROP TABLE {{ ident inputs.t }}\'; END $$', { t: 'a$$; x' }).message, /dollar-quoted body/);
  });

  test('in CREATE INDEX, a value placeholder is refused with the ident advice', () => {
    const e = refused('CREATE INDEX idx ON t (a)\n  WHERE a > {{ inputs.min }}', { min: 1 }, { line: 4, column: 1 });
    assert.deepEqual([e.line, e.column], [5, 13]);
    assert.match(e.message, /cannot be a bind parameter here/);
    assert.match(e.message, /not in CREATE INDEX/);
    assert.match(e.message, /\{\{ ident inputs\.min \}\}/);
    assert.match(e.message, /move it into a SELECT\/INSERT\/UPDATE\/DELETE/);
  });

  test('in a DO block, in SET, in a materialized view, in place of a name', () => {
    assert.match(refused('DO $$ BEGIN PERFORM {{ inputs.v }}; END $$', { v: 1 }).message, /not in a DO block/);
    const set = refused('SET work_mem = {{ inputs.v }}', { v: '64MB' });
    assert.match(set.message, /set_config\('name', \{\{ inputs\.v \}\}, false\)/);
    assert.match(refused('CREATE MATERIALIZED VIEW v AS SELECT {{ inputs.v }}', { v: 1 }).message, /not in CREATE MATERIALIZED VIEW/);
    assert.match(refused('ALTER TABLE {{ inputs.t }} ADD COLUMN b int', { t: 'x' }).message, /\{\{ ident inputs\.t \}\}/);
  });

  test('unknown, malformed and unclosed placeholders', () => {
    const unknown = refused('SELECT {{ inputs.usr }}', { user_id: 1, limit: 2 });
    assert.equal(unknown.message, 'Unknown input "usr" in {{ inputs.usr }}: the inputs are user_id, limit');
    assert.deepEqual([unknown.line, unknown.column], [1, 8]);
    assert.match(refused('SELECT {{ inputs.x.y }}', { x: 1 }).message, /Malformed placeholder/);
    assert.match(refused('SELECT {{ ident }}', { x: 1 }).message, /Malformed placeholder/);
    assert.match(refused('SELECT {{ raw inputs.x }}', { x: 1 }).message, /Malformed placeholder/);
    assert.match(refused('SELECT {{ inputs.x', { x: 1 }).message, /not closed/);
  });

  test('joined to the text next to it', () => {
    assert.match(refused('SELECT idx_{{ ident inputs.s }}', { s: 'a' }).message, /joined to the text next to it.*full name/);
    assert.match(refused('SELECT a{{ inputs.s }}', { s: 'a' }).message, /joined to the text next to it/);
  });

  test('a hand-written $1 next to placeholders is refused', () => {
    assert.match(refused('SELECT $1, {{ inputs.v }}', { v: 1 }).message, /\$1 is a positional parameter written by hand/);
  });
});

describe('bindPlaceholders with the parse tree splitSql made', () => {
  /** What bindPlaceholders gives, or the error it throws (kind, message, position). */
  const outcome = (run: () => unknown) => {
    try {
      return { ok: run() };
    } catch (e) {
      const err = e as { name: string; message: string; line?: number; column?: number };
      return { failed: [err.name, err.message, err.line, err.column] };
    }
  };
  const inputs = { v: 1, name: INJECTION, t: 'orders', min: 5, s: 'x' };
  const SOURCES = [
    'SELECT {{ inputs.v }}::int AS v;\nUPDATE t SET a = {{ inputs.v }} WHERE b = {{ inputs.name }};',
    'INSERT INTO {{ ident inputs.t }} (a, b) VALUES ({{ inputs.v }}, {{ inputs.name }}) RETURNING *',
    '-- a comment {{ inputs.v }}\nDELETE FROM t WHERE id = {{ inputs.v }};\n/* trailing */',
    'CREATE INDEX idx ON t (a)\n  WHERE a > {{ inputs.min }};\nSELECT 1',
    'CREATE MATERIALIZED VIEW mv AS SELECT {{ inputs.v }};',
    'CREATE TABLE {{ ident inputs.t }}_copy AS SELECT {{ inputs.v }} AS v;',
    'EXPLAIN SELECT * FROM t WHERE a = {{ inputs.v }};',
    "SELECT '{{ inputs.name }}';\nSELECT $q$ {{ inputs.v }} $q$;",
    'SELECT a{{ inputs.s }} FROM t;\nSELECT $1, {{ inputs.v }};',
    'DO $$ BEGIN PERFORM {{ inputs.v }}; END $$;\nCALL p({{ inputs.v }});',
  ];

  test('gives what parsing the statement again gives, results and refusals alike', () => {
    let refusals = 0;
    let statements = 0;
    for (const source of SOURCES) {
      for (const stmt of splitSql(source)) {
        const tree = parseTreeOf(stmt);
        assert.ok(tree, stmt.text);
        const opts = { line: stmt.line, column: stmt.column };
        const again = outcome(() => bindPlaceholders(stmt.text, inputs, opts));
        assert.deepEqual(outcome(() => bindPlaceholders(stmt.text, inputs, { ...opts, tree })), again, stmt.text);
        if ('failed' in again) refusals++;
        statements++;
      }
    }
    // Both kinds are covered: statements bound, and refusals of where a value stands (found from the tree) or of its token.
    assert.ok(refusals >= 6 && statements - refusals >= 6, `${refusals} refused of ${statements}`);
  });

  test('the tree given is the one used: the statement is not parsed again', () => {
    const [select] = splitSql('SELECT {{ inputs.v }}');
    const [index] = splitSql('CREATE INDEX idx ON t (a) WHERE a > {{ inputs.v }}');
    assert.deepEqual(bindPlaceholders(select.text, { v: 1 }, { tree: parseTreeOf(select) }).params, [1]);
    // With CREATE INDEX's tree, the SELECT is judged as a CREATE INDEX: no bind parameter there.
    assert.throws(() => bindPlaceholders(select.text, { v: 1 }, { tree: parseTreeOf(index) }), /not in CREATE INDEX/);
  });
});

describe('placeholdersIn', () => {
  test('lists every placeholder with its position', () => {
    assert.deepEqual(placeholdersIn('SELECT {{ inputs.a }},\n  {{ident inputs.b}} FROM t -- {{ inputs.c }}'), [
      { name: 'a', ident: false, line: 1, column: 8 },
      { name: 'b', ident: true, line: 2, column: 3 },
      { name: 'c', ident: false, line: 2, column: 32 },
    ]);
    assert.deepEqual(placeholdersIn("SELECT '{{1,2},{3,4}}'"), []);
  });

  test('throws on a malformed one', () => {
    assert.throws(() => placeholdersIn('SELECT 1;\nSELECT {{ inputs }}'), (e: unknown) => e instanceof PlaceholderError && e.line === 2);
  });
});

describe('against the real server', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('sqlph');
    await db.client.query('CREATE TABLE users (id int PRIMARY KEY, name text)');
    await db.client.query("INSERT INTO users VALUES (1, 'ann')");
    await db.client.query('CREATE PROCEDURE touch(x int) LANGUAGE sql AS $$ SELECT x $$');
  });
  after(() => db?.drop());

  test('the injection value arrives as data and the table survives', async () => {
    const bound = bindPlaceholders('SELECT {{ inputs.v }}::text AS v, count(*) AS n FROM users', { v: INJECTION });
    const r = await db.client.query(bound.text, bound.params);
    assert.deepEqual(r.rows[0], { v: INJECTION, n: '1' });
  });

  test('a weird identifier round-trips', async () => {
    const bound = bindPlaceholders('CREATE TABLE {{ ident inputs.t }} (a int)', { t: 'we"ird' });
    await db.client.query(bound.text, bound.params);
    const r = await db.client.query("SELECT count(*)::int AS n FROM pg_class WHERE relname = 'we\"ird'");
    assert.equal(r.rows[0].n, 1);
  });

  test('every statement kind that bindPlaceholders allows really takes parameters', async () => {
    for (const sql of [
      'EXPLAIN SELECT * FROM users WHERE id = {{ inputs.v }}',
      'CALL touch({{ inputs.v }})',
      'CREATE TEMP TABLE t_ctas AS SELECT {{ inputs.v }}::int AS a',
      'UPDATE users SET name = name WHERE id = {{ inputs.v }}',
    ]) {
      const bound = bindPlaceholders(sql, { v: 1 });
      await db.client.query(bound.text, bound.params);
    }
  });

  test('a server error position maps back to the source line and column', async () => {
    const source = '-- check ✅\nSELECT {{ inputs.v }}::int AS v,\n       nme\nFROM users';
    const [stmt] = splitSql(source);
    const bound = bindPlaceholders(stmt.text, { v: 1 }, stmt);
    const error = await db.client.query(bound.text, bound.params).then(
      () => assert.fail('expected an error'),
      (e: { position?: string }) => e,
    );
    assert.ok(error.position);
    assert.deepEqual(sourcePosition(stmt, Number(error.position), bound), { line: 3, column: 8 });
  });
});
