// Every kind of value a query returns, from a real PostgreSQL, as psql shows
// it: in plain output (the CLI, `run --plain`) and on the screen (the run
// screen rendered with ink-testing-library). psql itself is the reference:
// each query is also run through `psql` (aligned format) and the tables must
// match line for line — on the screen with its own rules (│ ┼ ─) and NULL
// shown as NULL (psql -P null=NULL). A few cells are also asserted literally,
// so the test does not lean on psql alone. Very long values are cut, where
// psql would print them whole.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { TuiController } from '../../src/tui/controller.js';
import { detailGeometry } from '../../src/tui/views/geometry.js';
import { connect, runSql, type PgSession } from '../../src/exec/postgres/index.js';
import type { ExecEvent } from '../../src/exec/types.js';
import { KEPT_VALUE_CHARS } from '../../src/exec/types.js';
import { PLAIN_CELL_LINES, PLAIN_COLUMN_WIDTH } from '../../src/present/table.js';
import { columns } from '../../src/present/width.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { atSteps, events, makeRunbook, makeUi, NOW, stripAnsi } from '../tui/helpers.js';

/** One query per kind of value; each has a label column, so every table has a column rule (┼). */
const CASES: { id: string; sql: string; cells: string[] }[] = [
  {
    id: 'jsonb',
    sql: `SELECT k, v::jsonb AS doc FROM (VALUES ('object', '{"b":[1,2],"a":"x","n":null}'), ('array', '[1, "two", null, true]'), ('null', NULL)) t(k, v)`,
    cells: ['{"a": "x", "b": [1, 2], "n": null}', '[1, "two", null, true]'],
  },
  { id: 'json', sql: `SELECT k, v::json AS doc FROM (VALUES ('as written', '{"b": [1,2],  "a":"x"}'), ('string', '"s"')) t(k, v)`, cells: ['{"b": [1,2],  "a":"x"}', '"s"'] },
  {
    id: 'bytea',
    sql: `SELECT k, v AS data FROM (VALUES ('bytes', '\\x0102ff'::bytea), ('empty', ''::bytea), ('utf8', convert_to('é', 'UTF8')), ('null', NULL)) t(k, v)`,
    cells: ['\\x0102ff', '\\xc3a9'],
  },
  {
    id: 'arrays',
    sql: `SELECT 'ints' AS k, ARRAY[1,2]::text AS a_text, ARRAY[1,2] AS a UNION ALL SELECT 'nested', '', ARRAY[[1,2],[3,4]] UNION ALL SELECT 'empty', '', '{}'::int[]`,
    cells: ['{1,2}', '{{1,2},{3,4}}', '{}'],
  },
  {
    id: 'text-arrays',
    sql: `SELECT k, v AS a FROM (VALUES ('quoted', ARRAY['a b', NULL, 'c', '', 'NULL', 'x,y', 'q"t']), ('nested', ARRAY[ARRAY['a', NULL], ARRAY['{b}', 'c']]), ('null', NULL)) t(k, v)`,
    cells: ['{"a b",NULL,c,"","NULL","x,y","q\\"t"}', '{{a,NULL},{"{b}",c}}'],
  },
  { id: 'booleans', sql: `SELECT k, v AS ok FROM (VALUES ('true', true), ('false', false), ('null', NULL)) t(k, v)`, cells: [] },
  { id: 'nulls', sql: `SELECT 'all null' AS k, NULL::int AS i, NULL::text AS t, NULL::jsonb AS j, NULL::int[] AS a, NULL::bool AS b`, cells: [] },
  {
    id: 'numeric',
    sql: `SELECT k, n, i, f FROM (VALUES ('small', 12.50::numeric, -3::bigint, 0.1::float8), ('big', 1e20::numeric, 9223372036854775807, 1e300), ('nan', 'NaN'::numeric, NULL, '-Infinity'::float8)) t(k, n, i, f)`,
    cells: ['12.50', '100000000000000000000', '9223372036854775807', 'NaN', '-Infinity'],
  },
  {
    id: 'timestamps',
    sql: `SELECT k, ts, tstz, d FROM (VALUES ('set', '2024-01-02 03:04:05.678'::timestamp, '2024-01-02 03:04:05+02'::timestamptz, '2024-02-29'::date), ('infinity', 'infinity'::timestamp, '-infinity'::timestamptz, NULL)) t(k, ts, tstz, d)`,
    cells: ['2024-01-02 03:04:05.678', '2024-01-02 01:04:05+00', '2024-02-29', 'infinity', '-infinity'],
  },
  {
    id: 'intervals',
    sql: `SELECT k, v AS iv FROM (VALUES ('mixed', '1 day 02:03:04'::interval), ('negative', '-1 year -2 mons'::interval), ('fraction', '0.5 seconds'::interval)) t(k, v)`,
    cells: ['1 day 02:03:04', '-1 years -2 mons', '00:00:00.5'],
  },
  {
    id: 'text',
    sql: `SELECT k, v AS txt FROM (VALUES ('newlines', E'line one\\nline two\\nthree'), ('tab', E'a\\tb\\tcc'), ('wide', '東京タワー'), ('mixed', E'名古屋\\nParis'), ('accent', 'café'), ('cr', E'x\\ry'), ('empty', '')) t(k, v)`,
    cells: ['a       b       cc', '東京タワー', 'x\\ry'],
  },
];

let db: TestDatabase;
let session: PgSession;
let dir: string;
before(async () => {
  db = await createTestDatabase('values');
  // Both psql and the program read timestamptz in the session's time zone: one for the database.
  await db.client.query(`ALTER DATABASE "${db.name}" SET timezone TO 'UTC'`);
  session = await connect(db.url);
  dir = mkdtempSync(join(tmpdir(), 'runbook-values-'));
});
after(async () => {
  cleanup();
  await session?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** psql's aligned table for `sql`, trailing blanks dropped as we drop them. */
function psql(sql: string, ...options: string[]): string[] {
  // The database's own time zone (UTC, set below), as the program's connection has it: no PGTZ.
  const { PGTZ: _, ...env } = process.env;
  const out = execFileSync('psql', [db.url, '-X', '-q', '-P', 'pager=off', ...options, '-c', sql], { encoding: 'utf8', env });
  return out.replace(/\n+$/, '').split('\n').map((l) => l.trimEnd());
}

/** The table in `lines` (header, rule, rows, footer), found by its rule line, cut at `from` (string index) and `indent`. */
function tableIn(lines: string[], rule: RegExp, indent: number): string[] {
  const at = lines.findIndex((l) => rule.test(l));
  assert.ok(at > 0, `no table in:\n${lines.join('\n')}`);
  const start = lines[at].search(rule) - indent;
  const end = lines.findIndex((l, i) => i > at && /\(\d+ rows?\)/.test(l));
  assert.ok(end > at, `no footer in:\n${lines.join('\n')}`);
  return lines.slice(at - 1, end + 1).map((l) => l.slice(start).trimEnd());
}

const yaml = (steps: { id: string; sql: string }[]) =>
  ['runbook: 1', 'id: values', 'title: Values as psql shows them', 'steps:', ...steps.flatMap((s) => [`  - id: ${s.id}`, `    title: Values ${s.id}`, `    sql: ${JSON.stringify(s.sql)}`])].join('\n');

describe('values in plain output, as psql prints them', () => {
  let sections: Map<string, string[]>;
  before(async () => {
    const file = join(dir, 'values.yaml');
    writeFileSync(file, yaml(CASES));
    const r = await runCli(['run', file, '--plain', '--db', db.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // One section per step, from its "── step i/N: Values <id>" line.
    sections = new Map();
    let current: string[] = [];
    for (const line of r.stdout.split('\n')) {
      const head = /── step \d+\/\d+: Values (\S+)/.exec(line);
      if (head) sections.set(head[1], (current = []));
      else current.push(line);
    }
  });

  for (const c of CASES) {
    test(`${c.id}: the table psql prints, line for line`, () => {
      const ours = tableIn(sections.get(c.id) ?? [], /^ {4}-+(\+-+)+$/, 0).map((l) => l.replace(/^ {4}/, ''));
      assert.deepEqual(ours, psql(c.sql));
      for (const cell of c.cells) assert.ok(ours.some((l) => l.includes(cell)), `${cell} in\n${ours.join('\n')}`);
    });
  }

  test('booleans read t and f, NULL empty, numbers right-aligned, a multi-line value marked with +', () => {
    const bools = tableIn(sections.get('booleans')!, /^ {4}-+(\+-+)+$/, 0);
    assert.deepEqual(bools.slice(2, 5), ['     true  | t', '     false | f', '     null  |']);
    const numbers = tableIn(sections.get('numeric')!, /^ {4}-+(\+-+)+$/, 0);
    assert.equal(numbers[2], '     small |                 12.50 |                  -3 |       0.1');
    const text = tableIn(sections.get('text')!, /^ {4}-+(\+-+)+$/, 0);
    const at = text.findIndex((l) => l.startsWith('     newlines |'));
    assert.match(text[at], /^ {5}newlines \| line one {10}\+$/);
    assert.match(text[at + 1], /^ {14}\| line two {10}\+$/);
    assert.match(text[at + 2], /^ {14}\| three$/);
    assert.ok(text.includes('     tab      | a       b       cc'), text.join('\n'));
  });

  test('a very long value is cut (…), where psql would print it whole; so is one of many lines', async () => {
    const file = join(dir, 'long.yaml');
    writeFileSync(file, yaml([{ id: 'long', sql: `SELECT repeat('x', 100000) AS wide, (SELECT string_agg('line ' || g, E'\\n') FROM generate_series(1, 100) g) AS tall, repeat('東', 5000) AS cjk` }]));
    const r = await runCli(['run', file, '--plain', '--db', db.url]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const table = tableIn(r.stdout.split('\n'), /^ {4}-+(\+-+)+$/, 0);
    const widest = Math.max(...table.map(columns));
    // Three columns of at most PLAIN_COLUMN_WIDTH, their rules and the indent: never 100,000 columns.
    assert.ok(widest <= 4 + 3 * (PLAIN_COLUMN_WIDTH + 3), `a line ${widest} columns wide`);
    assert.match(table[2], new RegExp(`^ {5}x{${PLAIN_COLUMN_WIDTH - 1}}… \\| line 1 +\\+\\| 東{99}…$`));
    assert.equal(table.length, 2 + PLAIN_CELL_LINES + 1, 'header, rule, the first lines of the tall value, footer');
    assert.match(table[2 + PLAIN_CELL_LINES - 1], /\| …/);
    assert.match(table[table.length - 1], /^ {4}\(1 row\)$/);
  });

  test('the executor keeps at most KEPT_VALUE_CHARS of a value (the checks still see it whole)', async () => {
    const seen: ExecEvent[] = [];
    const result = await runSql(session, { source: "SELECT repeat('y', 50000) AS v", inputs: {}, transaction: 'auto' }, (e) => seen.push(e));
    assert.equal(result.ok, true);
    const rows = seen.find((e) => e.type === 'rows');
    assert.ok(rows && rows.type === 'rows');
    assert.equal((rows.rows[0][0] as string).length, KEPT_VALUE_CHARS);
    assert.equal((result.rows?.[0]?.v as string | undefined)?.length, 50000);
  });
});

describe('values on the screen, as psql shows them', () => {
  /** The run screen, mounted, with the step that ran `sql` on the real server done, and its output. */
  async function screenOf(sql: string): Promise<string[]> {
    const rb = makeRunbook({ steps: [{ id: 'values', title: 'Values', sql }] });
    const seen: ExecEvent[] = [];
    const result = await runSql(session, { source: sql, inputs: {}, transaction: 'auto' }, (e) => seen.push(e));
    assert.equal(result.ok, true, result.error?.message);
    const ui = events(
      atSteps(makeUi(rb, { columns: 170, rows: 60 })),
      { type: 'item_started', key: 'step:values', at: NOW },
      { type: 'item_output', key: 'step:values', events: seen, at: NOW },
      { type: 'item_finished', key: 'step:values', verdicts: [], durationMs: 5, at: NOW },
    );
    const ctl = new TuiController({ ...ui, selected: 'step:values' }, { frameMs: 0, clock: () => NOW, measure: detailGeometry });
    const r = render(<App controller={ctl} color={false} />);
    await new Promise((done) => setTimeout(done, 50));
    const lines = stripAnsi(r.lastFrame() ?? '').split('\n');
    r.unmount();
    return lines;
  }

  /** psql's table in the screen's lines: │ for |, ─ and ┼ in the rule, two blanks before it. */
  const onScreen = (l: string, i: number) => (i === 1 ? ` ${l.replace(/-/g, '─').replace(/\+/g, '┼')}` : ` ${l.replace(/\|/g, '│')}`).trimEnd();

  for (const c of CASES) {
    test(`${c.id}: psql's table, with the screen's rules and NULL shown`, async () => {
      const screen = tableIn(await screenOf(c.sql), / ─+(┼─+)+/, 0);
      const reference = psql(c.sql, '-P', 'null=NULL');
      assert.deepEqual(screen.slice(0, -1), reference.slice(0, -1).map(onScreen));
      assert.equal(screen[screen.length - 1].trim(), reference[reference.length - 1]);
    });
  }

  test('a very long value is cut to the screen (…), a value of many lines shows its first lines', async () => {
    const screen = tableIn(await screenOf(`SELECT 'k' AS k, repeat('x', 100000) AS wide, (SELECT string_agg('line ' || g, E'\\n') FROM generate_series(1, 100) g) AS tall`), / ─+(┼─+)+/, 0);
    assert.match(screen[2], /^ {2}k │ x+… │ line 1\+$/);
    assert.ok(columns(screen[2]) < 170, screen[2]);
    assert.deepEqual(
      screen.slice(3, 6).map((l) => l.replace(/ +/g, ' ')),
      [' │ │ line 2+', ' │ │ line 3+', ' │ │ …'],
    );
  });
});
