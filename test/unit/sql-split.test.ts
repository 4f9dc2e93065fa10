import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  caretExcerpt,
  ensureParser,
  lineColumnAt,
  PlaceholderError,
  sourcePosition,
  splitSql,
  SqlSyntaxError,
  bindPlaceholders,
  type SqlStatement,
} from '../../src/sql/index.js';
import { isComment, scanTokens } from '../../src/sql/parser.js';

before(() => ensureParser());

/** The one statement of sql. */
function one(sql: string): SqlStatement {
  const statements = splitSql(sql);
  assert.equal(statements.length, 1, `expected one statement in ${sql}`);
  return statements[0];
}

/** The SqlSyntaxError that splitSql throws for sql. */
function syntaxError(sql: string): SqlSyntaxError {
  try {
    splitSql(sql);
  } catch (e) {
    assert.ok(e instanceof SqlSyntaxError, `expected SqlSyntaxError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${sql} not to parse`);
}

describe('splitSql: statements and positions', () => {
  test('empty, blank and comment-only input give no statements', () => {
    assert.deepEqual(splitSql(''), []);
    assert.deepEqual(splitSql('  \n\t\n'), []);
    assert.deepEqual(splitSql('-- nothing to do\n/* really */\n;\n'), []);
  });

  test('a file with comments: texts are trimmed, positions point at the first token', () => {
    const source = [
      '-- Phase 3: indexes',
      'SELECT 1;',
      '',
      '/* a block',
      '   comment */   CREATE TABLE t (a int); -- trailing',
      '  INSERT INTO t VALUES (1)',
      '  -- the last statement has no semicolon',
      '',
    ].join('\n');
    const statements = splitSql(source);
    assert.deepEqual(
      statements.map((s) => [s.text, s.line, s.column]),
      [
        ['SELECT 1', 2, 1],
        ['CREATE TABLE t (a int)', 5, 17],
        ['INSERT INTO t VALUES (1)', 6, 3],
      ],
    );
    for (const s of statements) assert.equal(source.slice(s.offset, s.offset + s.text.length), s.text);
  });

  test('comments inside and after a statement, and nested block comments before one, are trimmed like the scanner would', () => {
    const source = [
      '/* outer /* nested */ still a comment */ SELECT 1 -- why',
      '  /* and more */ ;',
      "SELECT '--' || 'x' /* tail */;",
      'SELECT a -- the a',
      '     , b FROM t;',
      '\f SELECT 3',
    ].join('\n');
    assert.deepEqual(
      splitSql(source).map((s) => s.text),
      ['SELECT 1', "SELECT '--' || 'x'", 'SELECT a -- the a\n     , b FROM t', 'SELECT 3'],
    );
  });

  test('a dollar-quoted DO block and string literals keep their semicolons', () => {
    const source = [
      'DO $$',
      'BEGIN',
      "  RAISE NOTICE 'one; two';",
      '  PERFORM 1;',
      'END $$;',
      "SELECT 'a;b', $tag$ c; d $tag$, 'x -- not a comment';",
      'DO $body$ BEGIN NULL; END $body$ LANGUAGE plpgsql',
    ].join('\n');
    const statements = splitSql(source);
    assert.equal(statements.length, 3);
    assert.equal(statements[0].text, "DO $$\nBEGIN\n  RAISE NOTICE 'one; two';\n  PERFORM 1;\nEND $$");
    assert.equal(statements[0].kind, 'do');
    assert.equal(statements[1].text, "SELECT 'a;b', $tag$ c; d $tag$, 'x -- not a comment'");
    assert.equal(statements[1].line, 6);
    assert.equal(statements[2].text, 'DO $body$ BEGIN NULL; END $body$ LANGUAGE plpgsql');
  });

  test('emoji before statements: the parser counts UTF-8 bytes, offsets are JS indices', () => {
    // ✅ is 3 bytes and 1 JS char; 😀 is 4 bytes and 2 JS chars.
    const source = "-- ✅ checks ✅\nSELECT '😀' AS face; /* 😀😀 */ SELECT 2;\n-- ✅\nSELECT '✅'";
    const statements = splitSql(source);
    assert.deepEqual(statements.map((s) => s.text), ["SELECT '😀' AS face", 'SELECT 2', "SELECT '✅'"]);
    for (const s of statements) assert.equal(source.slice(s.offset, s.offset + s.text.length), s.text);
    assert.deepEqual(statements.map((s) => [s.line, s.column]), [[2, 1], [2, 33], [4, 1]]);
  });

  test('many statements get the right line numbers', () => {
    const source = Array.from({ length: 50 }, (_, i) => `SELECT ${i};`).join('\n');
    const statements = splitSql(source);
    assert.equal(statements.length, 50);
    assert.deepEqual([statements[0].line, statements[49].line, statements[49].text], [1, 50, 'SELECT 49']);
  });

  test('placeholders stay in the statement text', () => {
    const statements = splitSql(
      'SELECT * FROM t WHERE id = {{ inputs.id }};\nCREATE INDEX {{ ident inputs.name }} ON t (a);',
    );
    assert.deepEqual(statements.map((s) => s.text), [
      'SELECT * FROM t WHERE id = {{ inputs.id }}',
      'CREATE INDEX {{ ident inputs.name }} ON t (a)',
    ]);
    assert.equal(statements[1].command, 'CREATE INDEX');
  });

  test('a byte order mark and CRLF line ends are fine', () => {
    const statements = splitSql('\uFEFFSELECT 1;\r\nSELECT 2\r\n');
    assert.deepEqual(statements.map((s) => [s.text, s.line, s.column]), [['SELECT 1', 1, 2], ['SELECT 2', 2, 1]]);
  });

  test("'{{' that is not a placeholder (a 2-D array literal) is left to SQL", () => {
    assert.equal(one("SELECT '{{1,2},{3,4}}'::int[]").kind, 'select');
  });
});

describe('splitSql: where a statement ends, with comments anywhere', () => {
  // Each statement ends where its last token ends: a trailing comment is left out, a '--' or '*/' inside a
  // string, a quoted name or a dollar quote is not taken for one. The scanner decides only where a comment may
  // end the statement (split.ts lastTokenEnd): these are what that shortcut must not get wrong.
  const SOURCES = [
    'SELECT 1 -- trailing\n;\nSELECT 2 /* trailing */ ;\nSELECT 3\n-- on its own line\n;',
    "SELECT '--not a comment';\nSELECT '*/';\nSELECT \"a--b\" FROM t;\nSELECT $x$ -- body $x$;",
    'SELECT 1 /* a\n*/ + 2;\nSELECT /* inside */ 3 /* b\n c */;\nSELECT 4 /* a /* nested */ b */;',
    'CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  -- a comment in the body\n  RETURN 1; /* and here */\nEND\n$$ LANGUAGE plpgsql;',
    "SELECT 1 -- c\rSELECT_ALIAS;\nSELECT E'it\\'s -- here' -- and here\n;\nSELECT 5 /**/;",
    "UPDATE t SET a = 1 -- why\n  WHERE b = '--' /* x */ AND c = 2;\nSELECT 6 - -1;\nSELECT 7 */* 2 */ 8;",
    '/* leading */ SELECT 9 -- one\n-- two\n/* three */\n;\nSELECT a/*c*/FROM t;',
  ];

  test('every statement ends where its last token ends, and starts where its first begins', () => {
    let statements = 0;
    for (const source of SOURCES) {
      for (const stmt of splitSql(source)) {
        const tokens = scanTokens(stmt.text).filter((t) => !isComment(t));
        assert.ok(tokens.length > 0, stmt.text);
        assert.equal(tokens[0].start, 0, `starts with a token: ${JSON.stringify(stmt.text)}`);
        assert.equal(tokens[tokens.length - 1].end, stmt.text.length, `ends with a token: ${JSON.stringify(stmt.text)}`);
        assert.equal(source.slice(stmt.offset, stmt.offset + stmt.text.length), stmt.text);
        statements++;
      }
    }
    assert.equal(statements, 19);
  });

  test('the texts, where a comment or a look-alike sits at the end', () => {
    assert.deepEqual(
      splitSql(SOURCES[0]).map((s) => s.text),
      ['SELECT 1', 'SELECT 2', 'SELECT 3'],
    );
    assert.deepEqual(
      splitSql(SOURCES[1]).map((s) => s.text),
      ["SELECT '--not a comment'", "SELECT '*/'", 'SELECT "a--b" FROM t', 'SELECT $x$ -- body $x$'],
    );
    assert.deepEqual(splitSql(SOURCES[2]).map((s) => s.text), ['SELECT 1 /* a\n*/ + 2', 'SELECT /* inside */ 3', 'SELECT 4']);
    assert.deepEqual(splitSql(SOURCES[4]).map((s) => s.text), ['SELECT 1 -- c\rSELECT_ALIAS', "SELECT E'it\\'s -- here'", 'SELECT 5']);
    assert.deepEqual(splitSql(SOURCES[6]).map((s) => s.text), ['SELECT 9', 'SELECT a/*c*/FROM t']);
  });
});

describe('splitSql: syntax errors', () => {
  test('an error on line 3 of a file points at line 3 and the column of the bad token', () => {
    const e = syntaxError('SELECT 1;\nSELECT 2;\nSELECT a FRO t;\n');
    assert.match(e.message, /syntax error at or near "t"/);
    assert.deepEqual([e.line, e.column], [3, 14]);
    assert.equal(e.excerpt, 'LINE 3: SELECT a FRO t;\n                     ^');
  });

  test('the column is right after emoji (the parser counts code points)', () => {
    const e = syntaxError("SELECT 1;\nSELECT '😀✅' AS a b;");
    assert.deepEqual([e.line, e.column], [2, 19]);
    assert.equal("SELECT '😀✅' AS a b;"[e.column - 1], 'b');
  });

  test('an unterminated dollar quote points at its start', () => {
    const e = syntaxError('SELECT 1;\nDO $$ BEGIN\n');
    assert.match(e.message, /unterminated dollar-quoted string/);
    assert.deepEqual([e.line, e.column], [2, 4]);
  });

  test('psql meta-commands are refused with advice', () => {
    const e = syntaxError('SELECT 1;\n\\i migrations/002.sql\nSELECT 2;');
    assert.deepEqual([e.line, e.column], [2, 1]);
    assert.match(e.message, /psql meta-commands like \\i are not SQL/);
    assert.match(e.message, /sql_file:/);
    assert.match(e.message, /shell step/);
    assert.match(syntaxError('SELECT 1 \\gexec').message, /\\gexec are not SQL/);
  });

  test('inline COPY data (pg_dump style) is explained', () => {
    const e = syntaxError('COPY t (a, b) FROM stdin;\n1\t2\n\\.\n');
    assert.equal(e.line, 2);
    assert.match(e.message, /inline COPY \.\.\. FROM STDIN data/);
  });

  test('a placeholder without inputs. gets the placeholder forms', () => {
    assert.match(syntaxError('SELECT {{ user_id }}').message, /\{\{ inputs\.name \}\} for a value/);
  });

  test('psql variables get a hint', () => {
    assert.match(syntaxError('SELECT * FROM t WHERE id = :id').message, /\{\{ inputs\.name \}\}/);
  });

  test('a malformed placeholder is a PlaceholderError (a SqlSyntaxError) at its position', () => {
    const e = syntaxError('SELECT 1;\nSELECT {{ input.id }};');
    assert.ok(e instanceof PlaceholderError);
    assert.deepEqual([e.line, e.column], [2, 8]);
    assert.match(e.message, /\{\{ inputs\.name \}\} for a value/);
    assert.match(syntaxError('SELECT {{ inputs.id ;').message, /not closed/);
  });
});

describe('splitSql: kind and command', () => {
  const cases: [string, SqlStatement['kind'], string][] = [
    ['SELECT 1', 'select', 'SELECT'],
    ['VALUES (1)', 'select', 'SELECT'],
    ['TABLE t', 'select', 'SELECT'],
    ['SELECT 1 INTO t2', 'select', 'SELECT INTO'],
    ['INSERT INTO t VALUES (1)', 'insert', 'INSERT'],
    ['UPDATE t SET a = 1 WHERE a = 2', 'update', 'UPDATE'],
    ['DELETE FROM t WHERE a = 1', 'delete', 'DELETE'],
    ['MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE', 'other', 'MERGE'],
    ['CREATE TABLE t (a int)', 'ddl', 'CREATE TABLE'],
    ['CREATE INDEX i ON t (a)', 'ddl', 'CREATE INDEX'],
    ['CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)', 'ddl', 'CREATE INDEX'],
    ['ALTER TABLE t ADD COLUMN b int', 'ddl', 'ALTER TABLE'],
    ['ALTER TABLE t RENAME COLUMN a TO b', 'ddl', 'ALTER TABLE'],
    ['ALTER INDEX i RENAME TO j', 'ddl', 'ALTER INDEX'],
    ['DROP TABLE t', 'ddl', 'DROP TABLE'],
    ['DROP MATERIALIZED VIEW v', 'ddl', 'DROP MATERIALIZED VIEW'],
    ['CREATE MATERIALIZED VIEW v AS SELECT 1', 'ddl', 'CREATE MATERIALIZED VIEW'],
    ['CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$', 'ddl', 'CREATE FUNCTION'],
    ['CREATE VIEW v AS SELECT 1', 'ddl', 'CREATE VIEW'],
    ['CREATE EXTENSION IF NOT EXISTS pg_trgm', 'ddl', 'CREATE EXTENSION'],
    ['GRANT SELECT ON t TO PUBLIC', 'ddl', 'GRANT'],
    ['TRUNCATE t', 'ddl', 'TRUNCATE TABLE'],
    ['COMMENT ON TABLE t IS $$x$$', 'ddl', 'COMMENT'],
    ['EXPLAIN SELECT 1', 'explain', 'EXPLAIN'],
    ['BEGIN', 'transaction', 'BEGIN'],
    ['COMMIT', 'transaction', 'COMMIT'],
    ['DO $$ BEGIN NULL; END $$', 'do', 'DO'],
    ["CALL refresh_continuous_aggregate('v', NULL, NULL)", 'call', 'CALL'],
    ['COPY t TO STDOUT', 'copy', 'COPY'],
    ['VACUUM (ANALYZE) t', 'vacuum', 'VACUUM'],
    ['ANALYZE t', 'analyze', 'ANALYZE'],
    ["SET statement_timeout = '5s'", 'set', 'SET'],
    ['RESET ALL', 'set', 'RESET'],
    ['SHOW work_mem', 'utility', 'SHOW'],
    ['REINDEX INDEX i', 'utility', 'REINDEX'],
    ['REFRESH MATERIALIZED VIEW CONCURRENTLY v', 'utility', 'REFRESH MATERIALIZED VIEW'],
    ['LOCK TABLE t IN ACCESS EXCLUSIVE MODE', 'utility', 'LOCK TABLE'],
  ];
  for (const [sql, kind, command] of cases) {
    test(`${sql} → ${kind}, ${command}`, () => {
      const s = one(sql);
      assert.deepEqual([s.kind, s.command], [kind, command]);
    });
  }
});

describe('splitSql: noTransaction', () => {
  const refused: [string, RegExp][] = [
    ['CREATE INDEX CONCURRENTLY idx ON t (a)', /^CREATE INDEX CONCURRENTLY cannot run inside a transaction block$/],
    ['DROP INDEX CONCURRENTLY IF EXISTS idx', /^DROP INDEX CONCURRENTLY cannot run inside a transaction block$/],
    ['REINDEX INDEX CONCURRENTLY idx', /REINDEX \.\.\. CONCURRENTLY cannot run inside a transaction block/],
    ['REINDEX (CONCURRENTLY) TABLE t', /REINDEX \.\.\. CONCURRENTLY/],
    ['REINDEX DATABASE app', /REINDEX DATABASE cannot run inside a transaction block/],
    ['VACUUM t', /^VACUUM cannot run inside a transaction block$/],
    ['VACUUM (ANALYZE, VERBOSE) t', /^VACUUM cannot/],
    ['CREATE DATABASE app', /^CREATE DATABASE cannot run inside a transaction block$/],
    ['DROP DATABASE IF EXISTS app', /^DROP DATABASE cannot run inside a transaction block$/],
    ["CREATE TABLESPACE fast LOCATION '/ssd'", /^CREATE TABLESPACE cannot/],
    ['DROP TABLESPACE fast', /^DROP TABLESPACE cannot/],
    ["ALTER SYSTEM SET work_mem = '64MB'", /^ALTER SYSTEM cannot run inside a transaction block$/],
    ['ALTER DATABASE app SET TABLESPACE fast', /SET TABLESPACE cannot/],
    ['CLUSTER', /CLUSTER without a table name cannot/],
    ['ALTER TABLE t DETACH PARTITION p CONCURRENTLY', /DETACH PARTITION \.\.\. CONCURRENTLY cannot/],
    ["CALL refresh_continuous_aggregate('daily', NULL, NULL)", /refresh_continuous_aggregate\(\) \(TimescaleDB\) cannot/],
    ["CALL public.refresh_continuous_aggregate('daily', now() - interval '1 day', now())", /refresh_continuous_aggregate/],
    [
      "CREATE MATERIALIZED VIEW daily WITH (timescaledb.continuous) AS SELECT time_bucket('1 day', ts) AS d, count(*) FROM m GROUP BY 1",
      /timescaledb\.continuous\) cannot run inside a transaction block unless it is created WITH NO DATA/,
    ],
    ['BEGIN', /BEGIN in the SQL means it manages its own transaction/],
    ['START TRANSACTION ISOLATION LEVEL SERIALIZABLE', /START TRANSACTION .*own transaction/],
    ['COMMIT', /COMMIT .*own transaction/],
    ['ROLLBACK', /ROLLBACK .*own transaction/],
  ];
  for (const [sql, reason] of refused) {
    test(`refused in a transaction: ${sql}`, () => assert.match(one(sql).noTransaction ?? '', reason));
  }

  const allowed = [
    'CREATE INDEX idx ON t (a)',
    'DROP INDEX idx',
    'REINDEX INDEX idx',
    'REINDEX (CONCURRENTLY false) TABLE t',
    'ANALYZE t',
    'CLUSTER t USING idx',
    "CALL other_procedure('x')",
    "CREATE MATERIALIZED VIEW daily WITH (timescaledb.continuous) AS SELECT time_bucket('1 day', ts) AS d FROM m GROUP BY 1 WITH NO DATA",
    'CREATE MATERIALIZED VIEW v AS SELECT 1',
    'ALTER TABLE t DETACH PARTITION p',
    "SET LOCAL lock_timeout = '5s'",
  ];
  for (const sql of allowed) {
    test(`fine in a transaction: ${sql}`, () => assert.equal(one(sql).noTransaction, null));
  }

  test('explicit transaction control is kind transaction', () => {
    const statements = splitSql('BEGIN;\nUPDATE t SET a = 1 WHERE id = 2;\nCOMMIT;');
    assert.deepEqual(statements.map((s) => s.kind), ['transaction', 'update', 'transaction']);
    assert.equal(statements[1].noTransaction, null);
  });
});

describe('splitSql: destructive', () => {
  const destructive: [string, RegExp][] = [
    ['DROP TABLE users', /DROP TABLE permanently removes the table users/],
    ['DROP TABLE IF EXISTS a, app.b CASCADE', /the table a, app\.b and everything that depends on it/],
    ['DROP INDEX CONCURRENTLY idx', /DROP INDEX/],
    ['DROP SCHEMA app CASCADE', /DROP SCHEMA/],
    ['DROP VIEW v', /DROP VIEW/],
    ['DROP MATERIALIZED VIEW v', /DROP MATERIALIZED VIEW/],
    ['DROP FUNCTION f(int)', /DROP FUNCTION permanently removes the function f/],
    ['DROP TYPE mood', /DROP TYPE/],
    ['DROP SEQUENCE s', /DROP SEQUENCE/],
    ['DROP DATABASE app', /DROP DATABASE permanently removes the database app/],
    ['DROP ROLE bob', /DROP ROLE/],
    ['DROP OWNED BY bob', /DROP OWNED/],
    ['TRUNCATE users, orders', /TRUNCATE removes every row of users, orders/],
    ['TRUNCATE TABLE ONLY users RESTART IDENTITY', /TRUNCATE/],
    ['DELETE FROM users', /DELETE without WHERE removes every row of users/],
    ['DELETE FROM app.users u USING orders o', /DELETE without WHERE removes every row of app\.users/],
    ["UPDATE users SET email = 'x'", /UPDATE without WHERE changes every row of users/],
    ['ALTER TABLE users DROP COLUMN email', /ALTER TABLE users DROP COLUMN removes the column email and its data/],
    ['ALTER TABLE users ADD COLUMN b int, DROP COLUMN IF EXISTS c', /DROP COLUMN removes the column c/],
    ['WITH gone AS (DELETE FROM users RETURNING *) SELECT count(*) FROM gone', /DELETE without WHERE/],
    ['EXPLAIN ANALYZE DELETE FROM users', /DELETE without WHERE/],
  ];
  for (const [sql, reason] of destructive) {
    test(`destructive: ${sql}`, () => assert.match(one(sql).destructive ?? '', reason));
  }

  const safe = [
    'DELETE FROM users WHERE id = 1',
    "UPDATE users SET email = 'x' WHERE id = 1",
    'EXPLAIN DELETE FROM users',
    'EXPLAIN (ANALYZE false) DELETE FROM users',
    'ALTER TABLE users ADD COLUMN b int',
    'ALTER TABLE users DROP CONSTRAINT users_pkey',
    'INSERT INTO users VALUES (1)',
    'SELECT * FROM users',
    'CREATE TABLE t (a int)',
    'WITH gone AS (DELETE FROM users WHERE id = 1 RETURNING *) SELECT * FROM gone',
  ];
  for (const sql of safe) {
    test(`not destructive: ${sql}`, () => assert.equal(one(sql).destructive, null));
  }
});

describe('splitSql: writes and returnsRows', () => {
  const cases: [string, boolean, boolean | null][] = [
    ['SELECT 1', false, true],
    ['SELECT * FROM t FOR UPDATE', false, true],
    ['SELECT 1 INTO t2', true, false],
    ['WITH d AS (DELETE FROM t WHERE a = 1 RETURNING *) SELECT * FROM d', true, true],
    ['EXPLAIN SELECT 1', false, true],
    ['EXPLAIN DELETE FROM t', false, true],
    ['EXPLAIN ANALYZE DELETE FROM t', true, true],
    ['SHOW work_mem', false, true],
    ["SET work_mem = '64MB'", false, false],
    ['BEGIN', false, false],
    ['INSERT INTO t VALUES (1)', true, false],
    ['INSERT INTO t VALUES (1) RETURNING id', true, true],
    ['UPDATE t SET a = 1 WHERE b = 2 RETURNING a', true, true],
    ['DELETE FROM t WHERE a = 1', true, false],
    ['CREATE TABLE t (a int)', true, false],
    ['DO $$ BEGIN NULL; END $$', true, false],
    ['CALL p()', true, null],
    ['COPY t FROM STDIN', true, false],
    ['COPY t TO STDOUT', false, false],
    ['VACUUM t', true, false],
    ['LOCK TABLE t', false, false],
  ];
  for (const [sql, writes, returnsRows] of cases) {
    test(`${sql}: writes ${writes}, returnsRows ${returnsRows}`, () => {
      const s = one(sql);
      assert.deepEqual([s.writes, s.returnsRows], [writes, returnsRows]);
    });
  }
});

describe('positions', () => {
  test('lineColumnAt is 1-based', () => {
    const text = 'ab\ncd\n\nef';
    assert.deepEqual(lineColumnAt(text, 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumnAt(text, 2), { line: 1, column: 3 });
    assert.deepEqual(lineColumnAt(text, 3), { line: 2, column: 1 });
    assert.deepEqual(lineColumnAt(text, 7), { line: 4, column: 1 });
  });

  test('caretExcerpt puts the caret under the column, keeping tabs and wide characters', () => {
    assert.equal(caretExcerpt('x\nSELECT fro;\n', 2, 8), 'LINE 2: SELECT fro;\n               ^');
    assert.equal(caretExcerpt('\tSELECT ✅ x', 1, 11), 'LINE 1: \tSELECT ✅ x\n        \t          ^');
  });

  test('caretExcerpt shows a window of a long line', () => {
    const line = `SELECT ${'a, '.repeat(100)}oops`;
    const excerpt = caretExcerpt(line, 1, line.length - 2);
    const [text, caret] = excerpt.split('\n');
    assert.ok(text.startsWith('LINE 1: ...'));
    assert.ok(text.length < 120);
    assert.equal(text[caret.length - 1], 'o');
  });

  test('sourcePosition maps a server position in a statement to the source', () => {
    const source = '-- header\nSELECT 1;\nSELECT a,\n       nope\nFROM t;';
    const stmt = splitSql(source)[1];
    // The server says position 18 (1-based) of the statement text: the 'n' of nope.
    assert.equal(stmt.text[17], 'n');
    assert.deepEqual(sourcePosition(stmt, 18), { line: 4, column: 8 });
    assert.deepEqual(sourcePosition(stmt, 1), { line: 3, column: 1 });
  });

  test('sourcePosition accounts for placeholder substitutions', () => {
    const source = 'SELECT 1;\n  SELECT {{ inputs.a }}, {{ ident inputs.col }}, nope FROM t';
    const stmt = splitSql(source)[1];
    const bound = bindPlaceholders(stmt.text, { a: 1, col: 'c' }, stmt);
    assert.equal(bound.text, 'SELECT $1, "c", nope FROM t');
    const sent = bound.text.indexOf('nope') + 1;
    assert.deepEqual(sourcePosition(stmt, sent, bound), { line: 2, column: 3 + source.split('\n')[1].trim().indexOf('nope') });
    // Inside a substitution: the placeholder itself.
    assert.deepEqual(sourcePosition(stmt, bound.text.indexOf('"c"') + 2, bound), { line: 2, column: 26 });
  });

  test('sourcePosition counts server positions in characters (emoji)', () => {
    const stmt = one("SELECT '😀', nope");
    // PostgreSQL counts 😀 as one character; JS as two.
    assert.deepEqual(sourcePosition(stmt, 13), { line: 1, column: 14 });
  });
});
