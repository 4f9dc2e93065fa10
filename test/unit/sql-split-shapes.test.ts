// The shortcut for long data fixes (src/sql/split-shapes.ts) must give what
// the whole-text parse gives: the same statements, texts, places and facts,
// and the same parse trees but for literal values; and give up (null) on
// whatever its lexer does not take on, so that the parser decides.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureParser, parseTreeOf, splitSql } from '../../src/sql/index.js';
import { splitEveryStatement } from '../../src/sql/split.js';
import { SHAPES_MIN_CHARS, splitByShapes } from '../../src/sql/split-shapes.js';
import type { SqlStatement } from '../../src/sql/types.js';
import { seededRandom } from '../support/random.js';

before(() => ensureParser());

const plain = (s: SqlStatement[]) => s.map((x) => ({ ...x }));

/** A long data fix with the variety such files have: several tables and shapes, comments, quoting, casts, signs, a DDL and an UPDATE. */
function dataFix(rows: number, seed: number): string {
  const rand = seededRandom(seed);
  const out = [
    '-- data fix for ticket 4711',
    'CREATE TABLE IF NOT EXISTS fix_a (id int, name text, amount numeric, at date, flag boolean);',
    'CREATE TABLE IF NOT EXISTS "Fix B" ("Id" int, note text);',
  ];
  for (let i = 1; i <= rows; i++) {
    const r = rand();
    if (r < 0.5) out.push(`INSERT INTO fix_a (id, name, amount, at, flag) VALUES (${i}, 'it''s ; row ${i}', ${(i % 1000) / 10}, '2026-01-${(i % 28) + 1}'::date, ${i % 2 ? 'TRUE' : 'false'});`);
    else if (r < 0.7) out.push(`insert into fix_a values (-${i}, NULL, 1e3, DEFAULT, null) ;`);
    else if (r < 0.85) out.push(`INSERT INTO "Fix B" ("Id", note)\n  VALUES (${i}, 'multi\nline'), (${i + 1}, /* inline */ 'x');`);
    else if (r < 0.9995) out.push(`INSERT INTO fix_a (id) VALUES (${i}); -- trailing ${i}`);
    else out.push(`UPDATE fix_a SET amount = ${i} WHERE id = ${i};`);
  }
  out.push("INSERT INTO fix_a (id, name) VALUES (0, 'last, no semicolon')");
  return out.join('\n');
}

test('a long data fix split by shapes equals the whole-text parse, statement by statement', () => {
  const source = dataFix(6000, 17);
  assert.ok(source.length >= SHAPES_MIN_CHARS, `long enough for the shortcut: ${source.length}`);
  const trees = new Map<SqlStatement, unknown>();
  const shaped = splitByShapes(source, (s, node) => trees.set(s, node));
  assert.ok(shaped, 'the lexer takes this file on');
  const exact = splitEveryStatement(source);
  assert.equal(shaped.length, exact.length);
  assert.deepEqual(plain(shaped), plain(exact));
  // Trees are alike but for literal values (and locations): same node types throughout.
  const skeleton = (node: unknown) => JSON.stringify(node, (key, value) => (key === 'location' || key === 'ival' || key === 'sval' || key === 'fval' || key === 'boolval' || key === 'isnull' ? undefined : value));
  for (let i = 0; i < exact.length; i += 97) assert.equal(skeleton(trees.get(shaped[i])), skeleton(parseTreeOf(exact[i])), `statement ${i + 1}`);
  // And splitSql takes the shortcut for such a file.
  assert.deepEqual(plain(splitSql(source)), plain(exact));
});

test('what the lexer does not take on is left to the parser', () => {
  const pad = (sql: string) => `${"INSERT INTO t (a) VALUES (1, 'x');\n".repeat(Math.ceil(SHAPES_MIN_CHARS / 34))}${sql}`;
  for (const sql of [
    "INSERT INTO t VALUES (E'a\\nb');",
    'DO $$ BEGIN END $$;',
    'INSERT INTO t VALUES ($1);',
    "INSERT INTO t VALUES ('a'\n'b');",
    "INSERT INTO t VALUES (U&'d\\0061t');",
    'INSERT INTO t VALUES (1_000);',
    'INSERT INTO t VALUES (0x1F);',
    '\\set x 1',
    'SELECT :x;',
    "INSERT INTO t VALUES ('é');\nSELECT 'ok' AS café;",
    "INSERT INTO t VALUES ('unterminated);",
  ]) {
    assert.equal(splitByShapes(pad(sql), () => {}), null, sql);
  }
});

test('a syntax error is found and placed as the whole-text parse places it', () => {
  const source = `${dataFix(5000, 3)};\nINSERT INTO fix_a VALUES (1,, 2);\n${dataFix(200, 4)}`;
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return { message: (e as Error).message, line: (e as { line?: number }).line, column: (e as { column?: number }).column };
    }
    return null;
  };
  const exact = message(() => splitEveryStatement(source));
  assert.ok(exact, 'the file has a syntax error');
  assert.deepEqual(message(() => splitSql(source)), exact);
});

test('a data fix above the split cache size stays cached: the lint, the forecast of the run and the run get one split', () => {
  // ~9 MB: above the cache's 8 MiB of text, which dropped it as soon as it was kept.
  const line = (i: number) => `INSERT INTO fix_a (id, name, amount) VALUES (${i}, 'row ${i} of a long data fix that pads it', ${i % 100});\n`;
  const text = Array.from({ length: 100_000 }, (_, i) => line(i + 1)).join('');
  assert.ok(text.length > 8 * 1024 * 1024);
  const first = splitSql(text);
  const second = splitSql(text);
  assert.equal(second.length, 100_000);
  assert.notEqual(second, first, 'each caller gets its own array');
  assert.equal(second[99_999], first[99_999], 'the same statements: not split again');
  // A smaller text after it still finds its own, and the long one is dropped first when the cache is over its size.
  const small = 'SELECT 1;';
  assert.equal(splitSql(small)[0], splitSql(small)[0]);
});
