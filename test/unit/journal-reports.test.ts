// Reports from a journal, checked against their schemas: the JSON one with its
// zod schema, the JUnit one parsed as XML and checked for the JUnit shape CI
// systems read, the Markdown one for every item, statement, verdict and skip.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../../src/engine/plan.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { TargetInfo } from '../../src/engine/state.js';
import type { ExecEvent } from '../../src/exec/types.js';
import { JournalWriter, readJournal } from '../../src/journal/journal.js';
import { headerItems } from '../../src/journal/replay.js';
import { buildReport, type RunReport } from '../../src/journal/summary.js';
import { junitReport } from '../../src/report/junit.js';
import { markdownReport } from '../../src/report/markdown.js';
import { escapeMarkdown } from '../../src/present/escape.js';
import { marked } from 'marked';
import { jsonReport, reportJsonSchema, runReportSchema } from '../../src/report/report-json.js';
import { runbook as schema } from '../../src/runbook/schema.js';
import type { Runbook } from '../../src/runbook/load.js';

// ---- a small strict XML parser: enough to prove the JUnit file is well-formed and to read its tree.
interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}
function parseXml(src: string): XmlNode {
  let i = 0;
  const fail = (m: string): never => {
    throw new Error(`XML: ${m} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) fail('a bare &');
    return s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  };
  const ws = () => {
    while (/\s/.test(src[i] ?? '')) i++;
  };
  const name = () => {
    const m = /^[A-Za-z_][\w.-]*/.exec(src.slice(i));
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const element = (): XmlNode => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const node: XmlNode = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      ws();
      if (src.startsWith('/>', i)) {
        i += 2;
        return node;
      }
      if (src[i] === '>') break;
      const key = name();
      if (key in node.attrs) fail(`duplicate attribute ${key}`);
      ws();
      if (src[i++] !== '=') fail('expected =');
      ws();
      const q = src[i++];
      if (q !== '"' && q !== "'") fail('expected a quote');
      const end = src.indexOf(q, i);
      if (end < 0) fail('unterminated attribute');
      const raw = src.slice(i, end);
      if (raw.includes('<')) fail('< in an attribute');
      node.attrs[key] = decode(raw);
      i = end + 1;
    }
    i++;
    for (;;) {
      if (src.startsWith('</', i)) {
        i += 2;
        if (name() !== node.name) fail(`mismatched end tag for ${node.name}`);
        ws();
        if (src[i++] !== '>') fail('expected >');
        return node;
      }
      if (src[i] === '<') node.children.push(element());
      else {
        const end = src.indexOf('<', i);
        if (end < 0) fail(`unclosed <${node.name}>`);
        node.text += decode(src.slice(i, end));
        i = end;
      }
    }
  };
  if (src.startsWith('<?xml')) i = src.indexOf('?>') + 2;
  ws();
  const root = element();
  ws();
  if (i !== src.length) fail('content after the root element');
  return root;
}

// ---- a journal of a run with a bit of everything.
const target: TargetInfo = { host: '127.0.0.1', port: 5432, database: 'app', user: 'ops', serverVersion: '15.4', serverVersionNum: 150004, isReplica: false, backendPid: 9, serverStartedAt: 'x', url: 'postgres://ops:***@127.0.0.1/app' };

function rb(): Runbook {
  const data = schema.parse({
    runbook: 1,
    id: 'demo',
    title: 'Demo <release> & "friends"',
    inputs: { password: { type: 'string', secret: true }, n: { type: 'integer', default: 1 } },
    prerequisites: [{ id: 'pg', title: 'PostgreSQL 12+', sql: 'SELECT 1' }],
    steps: [
      { id: 'one', title: 'Create the | table', sql: 'CREATE TABLE a (id int); INSERT INTO a VALUES (1)', rollback: { sql: 'DROP TABLE a' } },
      { id: 'two', title: 'Build the index', sql: 'CREATE INDEX i ON a (id)' },
      { id: 'three', title: 'Optional analyze', sql: 'ANALYZE a', skippable: true },
      { id: 'four', title: 'Backfill <b>', sql: 'UPDATE a SET id = 2 WHERE id = 1; SELECT 1/0' },
      { id: 'five', title: 'Never reached', sql: 'SELECT 5' },
    ],
    checklist: ['Logs are clean'],
  });
  return { ...data, file: '/x/demo.yaml', dir: '/x', sqlFiles: new Map() };
}

let clock = 1_700_000_000_000;
const at = () => (clock += 10);
const out = (key: string, event: ExecEvent): RunEvent => ({ type: 'item_output', key, events: [event], at: at() });
const stmt = (key: string, index: number, text: string, command: string, rowCount: number | null, ms: number): RunEvent[] => [
  out(key, { type: 'statement_started', index, total: 2, text, line: index + 1 }),
  out(key, { type: 'statement_finished', index, command, rowCount, durationMs: ms }),
];
const v = (label: string, ok: boolean, expected: string, actual: string) => ({ label, ok, expected, actual });

function journal(): string {
  const book = rb();
  const path = join(mkdtempSync(join(tmpdir(), 'journal-report-')), 'r.jsonl');
  const w = JournalWriter.create(path, {
    record: 'header',
    version: 1,
    runId: '20251127-020812-3fa2',
    runbook: { id: book.id, title: book.title, file: book.file, sha256: 'a'.repeat(64) },
    kind: 'runbook',
    items: headerItems(createRun(book, { at: 0 }), book.steps),
    target: target.url,
    operator: 'alice@laptop',
    pid: 100,
    startedAt: clock,
    tool: 'test',
  });
  const events: RunEvent[] = [
    { type: 'inputs_set', inputs: { password: '***', n: 1 }, at: at() },
    { type: 'target_pinned', target, at: at() },
    { type: 'item_started', key: 'prerequisite:pg', at: at() },
    ...stmt('prerequisite:pg', 0, 'SELECT 1', 'SELECT 1', 1, 0.5),
    { type: 'item_finished', key: 'prerequisite:pg', verdicts: [v('result', true, 'succeeds', 'succeeded')], durationMs: 4, at: at() },
    { type: 'item_started', key: 'step:one', at: at() },
    ...stmt('step:one', 0, 'CREATE TABLE a (id int)', 'CREATE TABLE', null, 3.2),
    out('step:one', { type: 'notice', severity: 'NOTICE', message: 'table "a" created | ok' }),
    ...stmt('step:one', 1, 'INSERT INTO a VALUES (1)', 'INSERT 0 1', 1, 1.1),
    { type: 'item_finished', key: 'step:one', verdicts: [v('result', true, 'succeeds', 'succeeded')], durationMs: 12, at: at() },
    { type: 'item_started', key: 'step:two', at: at() },
    ...stmt('step:two', 0, 'CREATE INDEX i ON a (id)', 'CREATE INDEX', null, 8),
    { type: 'item_finished', key: 'step:two', verdicts: [v('index is used', false, 'plan contains Index Scan', 'Seq Scan on a')], durationMs: 20, at: at() },
    { type: 'fix_finished', key: 'step:two', entryId: 'analyze-first', ok: true, at: at() },
    { type: 'item_retry', key: 'step:two', at: at() },
    { type: 'item_started', key: 'step:two', at: at() },
    ...stmt('step:two', 0, 'CREATE INDEX i ON a (id)', 'CREATE INDEX', null, 7),
    { type: 'item_finished', key: 'step:two', verdicts: [v('index is used', true, 'plan contains Index Scan', 'Index Scan using i')], durationMs: 18, at: at() },
    { type: 'item_skipped', key: 'step:three', reason: 'statistics are fresh & fine', at: at() },
    { type: 'item_started', key: 'step:four', at: at() },
    ...stmt('step:four', 0, 'UPDATE a SET id = 2 WHERE id = 1', 'UPDATE 1', 1, 2),
    out('step:four', { type: 'statement_started', index: 1, total: 2, text: 'SELECT 1/0', line: 2 }),
    {
      type: 'item_finished',
      key: 'step:four',
      verdicts: [v('completes without error', false, 'no error', 'division by zero')],
      error: { kind: 'sql', message: 'division by zero', sqlstate: '22012', statementIndex: 1, line: 2, column: 9 },
      durationMs: 5,
      at: at(),
    },
    { type: 'run_ended', outcome: 'failed', reason: 'stopped at step "Backfill <b>"', at: at() },
  ];
  for (const e of events) w.event(e);
  w.write({ record: 'rollback_plan', at: at(), steps: [{ id: 'one', title: 'Create the | table', undo: 'DROP TABLE a' }] });
  w.close();
  return path;
}

function report(): RunReport {
  return buildReport(readJournal(journal()));
}

describe('the report model', () => {
  test('every item, statement (with timing and outcome), verdict, skip and fix', () => {
    const r = report();
    assert.equal(r.outcome, 'failed');
    assert.deepEqual(r.items.map((i) => i.status), ['passed', 'passed', 'passed', 'skipped', 'failed', 'pending', 'pending']);
    const two = r.items.find((i) => i.id === 'two')!;
    assert.equal(two.attempts, 2);
    assert.deepEqual(two.statements.map((s) => [s.attempt, s.outcome, s.durationMs]), [[1, 'ok', 8], [2, 'ok', 7]]);
    assert.deepEqual(two.fixes.map((f) => f.entryId), ['analyze-first']);
    const four = r.items.find((i) => i.id === 'four')!;
    assert.deepEqual(four.statements.map((s) => s.outcome), ['ok', 'failed']);
    assert.equal(r.items.find((i) => i.id === 'three')!.skipReason, 'statistics are fresh & fine');
    assert.deepEqual(r.items.find((i) => i.id === 'one')!.notices, ['NOTICE: table "a" created | ok']);
    assert.deepEqual(r.inputs, { password: '***', n: 1 });
    assert.deepEqual(r.decisions.map((d) => d.type), ['fix_run', 'retried', 'skipped']);
  });
});

describe('JSON', () => {
  test('matches its schema, and its JSON Schema can be generated', () => {
    const doc = jsonReport(report());
    const again = runReportSchema.parse(JSON.parse(JSON.stringify(doc)));
    assert.equal(again.run.outcome, 'failed');
    assert.equal(again.items.length, 7);
    assert.equal(again.items[4].verdicts[0].expected, 'no error');
    const js = reportJsonSchema() as { type: string; properties: Record<string, unknown> };
    assert.equal(js.type, 'object');
    assert.ok('items' in js.properties && 'run' in js.properties);
  });
});

describe('JUnit', () => {
  test('well-formed XML in the JUnit shape: a failed verification is a failure, a skip is skipped', () => {
    const xml = junitReport(report());
    const root = parseXml(xml);
    assert.equal(root.name, 'testsuites');
    const suites = root.children.filter((c) => c.name === 'testsuite');
    assert.deepEqual(suites.map((s) => s.attrs.name), ['demo.prerequisites', 'demo.steps', 'demo.checklist']);
    const cases = suites.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
    assert.equal(cases.length, 7);
    assert.equal(Number(root.attrs.tests), 7);
    for (const s of suites) {
      const own = s.children.filter((c) => c.name === 'testcase');
      assert.equal(Number(s.attrs.tests), own.length);
      assert.equal(Number(s.attrs.failures), own.filter((c) => c.children.some((x) => x.name === 'failure')).length);
      assert.equal(Number(s.attrs.skipped), own.filter((c) => c.children.some((x) => x.name === 'skipped')).length);
      assert.ok(Number.isFinite(Number(s.attrs.time)));
      assert.match(s.attrs.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    }
    for (const c of cases) {
      assert.ok(c.attrs.classname && c.attrs.name && Number.isFinite(Number(c.attrs.time)), JSON.stringify(c.attrs));
    }
    const byName = (n: string) => cases.find((c) => c.attrs.name.includes(`[${n}]`))!;
    const failure = byName('four').children.find((x) => x.name === 'failure')!;
    assert.equal(failure.attrs.message, 'completes without error: expected no error, actual division by zero');
    assert.equal(byName('four').attrs.name, 'Backfill <b> [four]', 'markup in titles survives escaping');
    assert.match(byName('three').children.find((x) => x.name === 'skipped')!.attrs.message, /statistics are fresh & fine/);
    assert.match(byName('five').children.find((x) => x.name === 'skipped')!.attrs.message, /not reached/);
    assert.equal(byName('two').children.some((x) => x.name === 'failure'), false, 'passed on its second attempt');
    assert.match(byName('two').children.find((x) => x.name === 'system-out')!.text, /\[attempt 1\] CREATE INDEX[\s\S]*\[attempt 2\]/);
    assert.equal(Number(root.attrs.failures), 1);
  });

  test('the XML parser used here rejects what is not well-formed', () => {
    assert.throws(() => parseXml('<a><b></a>'), /mismatched/);
    assert.throws(() => parseXml('<a x="1 & 2"/>'), /bare &/);
    assert.throws(() => parseXml('<a/><b/>'), /after the root/);
  });
});

describe('Markdown', () => {
  test('every item with its status, statements and timings, verdicts with expected vs actual, skips and fixes', () => {
    const r = report();
    const md = markdownReport(r);
    for (const it of r.items) assert.ok(md.includes(escapeMarkdown(it.title)), `mentions ${it.title}`);
    for (const it of r.items) assert.ok(md.includes(`(\`${it.id}\`)`), `has a section for ${it.id}`);
    // Titles and reasons are text, never markup: no tag reaches a Markdown renderer.
    assert.match(md, /^# Demo &#60;release&#62; &#38; "friends" — Run 20251127-020812-3fa2/);
    assert.match(md, /\| Outcome \| \*\*failed\*\* — stopped at step "Backfill &#60;b&#62;" \|/);
    assert.doesNotMatch(marked.parse(md) as string, /<b>|<release>/);
    assert.match(md, /\| 1 \| 1 \| `CREATE INDEX i ON a \(id\)` \| CREATE INDEX \| 8 ms \|/);
    assert.match(md, /\| 1 \| 2 \| `SELECT 1\/0` \| \*\*failed\*\* \| — \|/);
    assert.match(md, /\| ✗ \| completes without error \| no error \| division by zero \|/);
    assert.match(md, /Skipped, reason given: _statistics are fresh &#38; fine_/);
    assert.match(md, /Troubleshooting fix `analyze-first` ran/);
    assert.match(md, /\*\*SQL error 22012 at line 2:9\*\*: division by zero/);
    assert.match(md, /## Rollback plan[\s\S]*1\. Create the \\\| table \(`one`\) — DROP TABLE a/);
    assert.match(md, /- `password` = `\*\*\*`/);
    // Every table row has as many cells as its header (a "|" in a title must not add one).
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    let width = 0;
    for (const l of md.split('\n')) {
      if (!l.startsWith('|')) width = 0;
      else if (width === 0) width = cells(l);
      else assert.equal(cells(l), width, l);
    }
  });
});
