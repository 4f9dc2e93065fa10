// The run record without a database: the journal file (fsync'ed lines, a torn
// last line), replaying it through the reducer, the run
// index, rollback plans and the reconciliation rules.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../../src/engine/plan.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { TargetInfo } from '../../src/engine/state.js';
import { JournalWriter, lastRecord, readJournal, redactEvent, type EventRecord, type JournalHeader } from '../../src/journal/journal.js';
import { headerItems, journalStatus, replay, replayJournal } from '../../src/journal/replay.js';
import { findRun, newRunId, openStore, operatorName, type RunIndexEntry } from '../../src/journal/store.js';
import { completedSteps, describePlan, forecast, rollbackSteps } from '../../src/journal/rollback-plan.js';
import { reconcile } from '../../src/journal/reconcile.js';
import { lockApplicationName, lockKey, refusal } from '../../src/journal/lock.js';
import { ensureParser } from '../../src/sql/index.js';
import { step as stepSchema, runbook as schema } from '../../src/runbook/schema.js';
import { reduce } from '../../src/engine/reducer.js';
import type { RunState } from '../../src/engine/state.js';
import type { Verdict } from '../../src/checks/verdict.js';
import type { ExecError, ExecEvent } from '../../src/exec/types.js';
import type { Step } from '../../src/runbook/schema.js';
import type { Runbook } from '../../src/runbook/load.js';

const target: TargetInfo = { host: '127.0.0.1', port: 5432, database: 'db', user: 'u', serverVersion: '15.4', serverVersionNum: 150004, isReplica: false, backendPid: 42, serverStartedAt: '2025-01-01 00:00:00+00', url: 'postgres://u:***@127.0.0.1/db' };

function rb(): Runbook {
  const data = schema.parse({
    runbook: 1,
    id: 'demo',
    title: 'Demo',
    inputs: { password: { type: 'string', secret: true }, n: { type: 'integer', default: 1 } },
    steps: [
      { id: 'one', title: 'One', sql: 'CREATE TABLE a (id int)', rollback: { sql: 'DROP TABLE a' }, verify: [{ title: 'a exists', sql: 'SELECT 1' }] },
      { id: 'two', title: 'Two', sql: 'CREATE TABLE b (id int)', rollback: { sql: 'DROP TABLE b' }, skippable: true },
      { id: 'three', title: 'Three', shell: 'echo hi' },
      { id: 'four', title: 'Four', sql: 'SELECT 4', irreversible: true },
    ],
  });
  return { ...data, file: '/x/demo.yaml', dir: '/x', sqlFiles: new Map() };
}

function header(book: Runbook, runId = 'r1'): JournalHeader {
  const state = createRun(book, { at: 0 });
  return {
    record: 'header',
    version: 1,
    runId,
    runbook: { id: book.id, title: book.title, file: book.file, sha256: '0'.repeat(64) },
    kind: 'runbook',
    items: headerItems(state, book.steps),
    target: 'postgres://u:***@127.0.0.1/db',
    operator: 'alice@laptop',
    pid: 1,
    startedAt: 1000,
    tool: 'test',
  };
}

const at = 2000;
const ok = { label: 'a exists', ok: true, expected: 'ok', actual: 'ok' };
const started = (key: string): RunEvent => ({ type: 'item_started', key, at });
const finished = (key: string): RunEvent => ({ type: 'item_finished', key, verdicts: [ok], durationMs: 3, at });

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'journal-unit-'));
}

describe('the journal file', () => {
  test('a header, then one line per event, each on disk when append returns', () => {
    const path = join(tmp(), 'r1.jsonl');
    const w = JournalWriter.create(path, header(rb()));
    w.event({ type: 'inputs_set', inputs: { password: '***', n: 1 }, at });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.equal(lines.length, 2, 'the second line is already in the file before close');
    w.event({ type: 'target_pinned', target, at });
    w.close();
    const j = readJournal(path);
    assert.equal(j.header.runId, 'r1');
    assert.deepEqual(j.events.map((e) => e.type), ['inputs_set', 'target_pinned']);
    assert.equal(j.tornTail, undefined);
    assert.throws(() => JournalWriter.create(path, header(rb())), /EEXIST/, 'a journal is never overwritten');
  });

  test('an item start is in the file when event returns, and synced() waits for its fsync, run in the background', async () => {
    const path = join(tmp(), 'r1.jsonl');
    const w = JournalWriter.create(path, header(rb()));
    w.event({ type: 'inputs_set', inputs: { password: '***', n: 1 }, at });
    w.event({ type: 'target_pinned', target, at });
    await w.synced(); // nothing waits: resolved at once
    w.event(started('step:one'));
    assert.match(readFileSync(path, 'utf8').trim().split('\n').at(-1)!, /"item_started"/, 'written before event returned');
    let done = false;
    const synced = w.synced().then(() => (done = true));
    // The fsync's end comes from the thread pool, never within the microtasks of the call that started it.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    assert.equal(done, false, 'the fsync runs in the background: not on disk yet, as far as synced() knows');
    await synced;
    assert.equal(done, true);
    // Starts while another is still being fsync'ed are each waited for; a synchronous line covers all before it.
    w.event(finished('step:one'));
    w.event(started('step:two'));
    const second = w.synced();
    w.event({ type: 'item_finished', key: 'step:two', verdicts: [], durationMs: 1, at });
    w.event(started('step:three'));
    const third = w.synced();
    await Promise.all([second, third]);
    w.event({ type: 'item_finished', key: 'step:three', verdicts: [], durationMs: 1, at });
    w.event(started('step:four'));
    const fourth = w.synced();
    // Closed while that fsync may still run: close() fsyncs itself, and the descriptor stays open until the background fsync ends.
    w.close();
    await fourth;
    assert.deepEqual(
      readJournal(path).events.map((e) => e.type),
      ['inputs_set', 'target_pinned', 'item_started', 'item_finished', 'item_started', 'item_finished', 'item_started', 'item_finished', 'item_started'],
    );
    assert.throws(() => w.event(started('step:four')), /is closed/);
  });

  test('a version-1 journal, one output line per event, is read as bursts of one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-journal-'));
    const path = join(dir, 'v1.jsonl');
    const notice = { type: 'notice', severity: 'NOTICE', message: 'hi' } as const;
    writeFileSync(path, [
      JSON.stringify({ ...header(rb()), version: 1 }),
      JSON.stringify({ record: 'event', seq: 1, event: { type: 'item_output', key: 'step:a', event: notice, at: 5 } }),
      JSON.stringify({ record: 'event', seq: 2, event: { type: 'item_output', key: 'step:a', events: [notice, notice], at: 6 } }),
      '',
    ].join('\n'));
    assert.deepEqual(readJournal(path).events, [
      { type: 'item_output', key: 'step:a', events: [notice], at: 5 },
      { type: 'item_output', key: 'step:a', events: [notice, notice], at: 6 },
    ]);
    assert.deepEqual(lastRecord(path), { record: 'event', seq: 2, event: { type: 'item_output', key: 'step:a', events: [notice, notice], at: 6 } });
  });

  test('the last complete line is read from the end of the file alone', () => {
    const path = join(tmp(), 'r1.jsonl');
    assert.equal(lastRecord(path), undefined, 'no file');
    const w = JournalWriter.create(path, header(rb()));
    for (let i = 0; i < 2000; i++) w.event({ type: 'inputs_set', inputs: { n: i, padding: 'x'.repeat(100) }, at });
    w.event({ type: 'run_ended', outcome: 'succeeded', at });
    w.close();
    assert.deepEqual(lastRecord(path), { record: 'event', seq: 2001, event: { type: 'run_ended', outcome: 'succeeded', at } });
    appendFileSync(path, '{"record":"event","seq":2002,"event":{"ty');
    assert.equal((lastRecord(path) as { seq: number }).seq, 2001, 'a torn last line is not a line');
  });

  test('a half-written last line (killed mid-write) is set aside, and cut off when the run continues', () => {
    const path = join(tmp(), 'r1.jsonl');
    const w = JournalWriter.create(path, header(rb()));
    w.event({ type: 'inputs_set', inputs: { n: 1 }, at });
    w.close();
    appendFileSync(path, '{"record":"event","seq":2,"event":{"type":"targ');
    const j = readJournal(path);
    assert.equal(j.events.length, 1);
    assert.match(j.tornTail ?? '', /^\{"record":"event","seq":2/);
    const { writer, tornBytes } = JournalWriter.append(path);
    assert.ok(tornBytes > 0);
    assert.equal(writer.count, 1, 'numbering continues after the events already there');
    assert.equal(writer.event({ type: 'target_pinned', target, at }).seq, 2);
    writer.close();
    const again = readJournal(path);
    assert.equal(again.tornTail, undefined);
    assert.deepEqual(again.events.map((e) => e.type), ['inputs_set', 'target_pinned']);
  });

  test('a damaged line in the middle is an error naming the line', () => {
    const path = join(tmp(), 'r1.jsonl');
    JournalWriter.create(path, header(rb())).close();
    appendFileSync(path, 'garbage\n{"record":"note","at":1,"text":"x"}\n');
    assert.throws(() => readJournal(path), /r1\.jsonl:2: not a journal line/);
  });

  test('secret input values are journalled as ***', () => {
    const e = redactEvent({ type: 'inputs_set', inputs: { password: 's3cret', n: 1 }, at }, new Set(['password']));
    assert.deepEqual(e.type === 'inputs_set' && e.inputs, { password: '***', n: 1 });
  });
});

describe('replaying a journal', () => {
  function journalWith(events: RunEvent[], extra: (w: JournalWriter) => void = () => {}) {
    const path = join(tmp(), 'r1.jsonl');
    const w = JournalWriter.create(path, header(rb()));
    for (const e of events) w.event(e);
    extra(w);
    w.close();
    return readJournal(path);
  }
  const begin: RunEvent[] = [{ type: 'inputs_set', inputs: { password: '***', n: 1 }, at }, { type: 'target_pinned', target, at }];

  test('rebuilds the state the reducer built, an in-flight step left running', () => {
    const j = journalWith([...begin, started('step:one'), finished('step:one'), started('step:two')]);
    const state = replay(rb(), j);
    assert.deepEqual(state.items.map((i) => i.status), ['passed', 'running', 'pending', 'pending']);
    assert.deepEqual(replayJournal(j), state, 'the journal alone gives the same state');
    const s = journalStatus(j);
    assert.equal(s.outcome, 'stopped');
    assert.equal(s.at, 'step:two');
  });

  test('a "resumed" line re-opens a run that had ended', () => {
    const j = journalWith([...begin, started('step:one'), { type: 'item_finished', key: 'step:one', verdicts: [{ ...ok, ok: false }], durationMs: 1, at }, { type: 'run_ended', outcome: 'failed', at }], (w) => {
      w.write({ record: 'session', action: 'resumed', operator: 'bob@desk', pid: 2, at });
      w.event({ type: 'item_retry', key: 'step:one', at });
      w.event(started('step:one'));
      w.event(finished('step:one'));
    });
    const state = replay(rb(), j);
    assert.equal(state.ended, null);
    assert.equal(state.items[0].status, 'passed');
    assert.equal(state.items[0].attempts, 2);
    assert.equal(journalStatus(j).outcome, 'stopped');
  });

  test('refuses a runbook whose items changed since the run', () => {
    const j = journalWith(begin);
    const changed = { ...rb(), steps: rb().steps.slice(1) };
    assert.throws(() => replay(changed, j), /changed since run r1.*gone: step:one/);
    assert.throws(() => replay({ ...rb(), id: 'other' }, j), /is runbook "other", but run r1 ran "demo"/);
  });
});

describe('the store', () => {
  test('settings and the run index live in the state folder; a journal the index missed is still listed', () => {
    const dir = tmp();
    const store = openStore(dir);
    assert.equal(store.dir, dir);
    const entry: RunIndexEntry = { id: 'r1', runbook: 'demo', title: 'Demo', file: '/x', kind: 'runbook', target: 't', database: 'db', operator: 'a@b', startedAt: 5, journal: store.journalPath('r1') };
    JournalWriter.create(entry.journal, header(rb(), 'r1')).close();
    JournalWriter.create(store.journalPath('r2'), { ...header(rb(), 'r2'), startedAt: 9 }).close();
    store.remember(entry);
    assert.ok(readdirSync(dir).includes('runbook.json'));
    const runs = store.runs();
    assert.deepEqual(runs.map((r) => r.id), ['r1', 'r2']);
    assert.equal(runs[1].operator, 'alice@laptop', 'filled in from the journal header');
    assert.deepEqual(store.settings(), {});
    writeFileSync(join(dir, 'runbook.json'), JSON.stringify({ settings: { operator: 'ops-team' }, runs: { r1: entry } }));
    assert.equal(operatorName(openStore(dir).settings()), process.env.RUNBOOK_OPERATOR?.trim() || 'ops-team');
  });

  test('the index keeps the settings and other runs when a run is added; a broken file is named, not overwritten', () => {
    const dir = tmp();
    const file = join(dir, 'runbook.json');
    writeFileSync(file, JSON.stringify({ settings: { operator: 'ops-team' } }));
    const store = openStore(dir);
    const entry = (id: string): RunIndexEntry => ({ id, runbook: 'demo', title: 'Demo', file: '/x', kind: 'runbook', target: 't', database: 'db', operator: 'a@b', startedAt: 5, journal: store.journalPath(id) });
    store.remember(entry('r1'));
    store.remember(entry('r2'));
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(saved.settings, { operator: 'ops-team' });
    assert.deepEqual(Object.keys(saved.runs), ['r1', 'r2']);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
    writeFileSync(file, '{"settings": {');
    assert.throws(() => store.settings(), (e: Error) => e.message.startsWith(`${file}: not valid JSON`) && /fix or remove it/.test(e.message));
    assert.throws(() => store.remember(entry('r3')), /not valid JSON/);
    assert.equal(readFileSync(file, 'utf8'), '{"settings": {', 'left as it was');
  });

  test('run ids sort by time; a run is found by id, prefix, last part or any part no other id has', () => {
    const id = newRunId(Date.UTC(2025, 10, 27, 2, 8, 12));
    assert.match(id, /^20251127-020812-[0-9a-f]{8}$/);
    const runs = ['20251127-020812-3fa2', '20251127-030000-b001', '20251127-030001-b0017e9a'].map((i) => ({ id: i }) as RunIndexEntry);
    assert.equal((findRun(runs, '3fa2') as RunIndexEntry).id, '20251127-020812-3fa2');
    assert.equal((findRun(runs, '7e9a') as RunIndexEntry).id, '20251127-030001-b0017e9a');
    assert.equal((findRun(runs, '20251127-030000-b001') as RunIndexEntry).id, '20251127-030000-b001', 'an exact id wins over one that contains it');
    assert.match((findRun(runs, 'b001') as { error: string }).error, /matches 2 runs/);
    assert.equal((findRun(runs, '20251127-030000') as RunIndexEntry).id, '20251127-030000-b001');
    assert.match((findRun(runs, '20251127') as { error: string }).error, /matches 3 runs/);
    assert.match((findRun(runs, 'zzzz') as { error: string }).error, /no run "zzzz"/);
    assert.match((findRun(runs, '') as { error: string }).error, /no run ""/);
  });
});

function stateAt(...events: RunEvent[]): RunState {
  const begin: RunEvent[] = [{ type: 'inputs_set', inputs: {}, at }, { type: 'target_pinned', target, at }];
  return [...begin, ...events].reduce(reduce, createRun(rb(), { at: 0 }));
}

describe('rollback plans', () => {
  before(ensureParser);
  test('the steps that completed, newest first; skipped and unfinished ones are not undone', () => {
    const state = stateAt(started('step:one'), finished('step:one'), { type: 'item_skipped', key: 'step:two', reason: 'not needed', at }, started('step:three'), finished('step:three'), started('step:four'));
    assert.deepEqual(completedSteps(state, rb()), ['three', 'one']);
    const steps = rollbackSteps(rb(), ['three', 'one']);
    assert.match(steps[0].confirm ?? '', /has no rollback section/, 'a step without rollback becomes a manual confirmation');
    assert.equal(steps[1].sql, 'DROP TABLE a');
    assert.equal(steps[1].title, 'Undo: One');
    assert.deepEqual(describePlan(rb(), ['three', 'one']).map((p) => p.undo), ['no rollback section: undo it by hand, then confirm', 'DROP TABLE a']);
    assert.deepEqual(forecast(rb(), rb().steps).map((p) => p.id), ['four', 'three', 'two', 'one']);
    assert.match(forecast(rb(), rb().steps)[0].undo, /IRREVERSIBLE/);
    assert.throws(() => rollbackSteps(rb(), ['gone']), /step "gone" is not in/);
  });
  test('read-only steps and confirmations have nothing to undo and stay out of the plan', () => {
    const book = rb();
    const readOnly = { ...book, steps: [...book.steps, stepSchema.parse({ id: 'look', title: 'Look', sql: 'SELECT count(*) FROM a' }), stepSchema.parse({ id: 'ok', title: 'Ok', confirm: 'fine' })] };
    assert.deepEqual(forecast(readOnly, readOnly.steps).map((p) => p.id), ['four', 'three', 'two', 'one']);
  });
});

describe('reconciling a step left in flight', () => {
  const shellStep = () => ({ ...rb().steps.find((s) => s.id === 'three')!, verify: [{ title: 'a exists', sql: 'SELECT 1' }] }) as Step;
  const output = (key: string, ...events: ExecEvent[]): RunEvent => ({ type: 'item_output', key, events, at });
  const stmt = (index: number, total: number, commits: boolean): ExecEvent => ({ type: 'statement_started', index, total, text: `S${index}`, line: index + 1, commits });
  const done = (index: number): ExecEvent => ({ type: 'statement_finished', index, command: 'INSERT', rowCount: 1, durationMs: 1 });

  async function reconcileWith(key: string, verify: () => Promise<{ verdicts: Verdict[]; error?: ExecError }>, options: { step?: Step; events?: RunEvent[] } = {}) {
    const before = key === 'step:one' ? [] : key === 'step:two' ? [started('step:one'), finished('step:one')] : [started('step:one'), finished('step:one'), started('step:two'), finished('step:two')];
    let state = stateAt(...before, started(key), ...(options.events ?? []));
    const item = state.items.find((i) => i.key === key)!;
    const told: string[] = [];
    let checks = 0;
    const outcome = await reconcile(item, options.step ?? rb().steps.find((s) => s.id === item.id), {
      verify: () => {
        checks++;
        return verify();
      },
      emit: (e) => {
        if (e.type === 'item_output') for (const x of e.events) if (x.type === 'info') told.push(x.message);
        if (e.type === 'item_interrupted') told.push(e.reason);
        state = reduce(state, e);
      },
      clock: () => at,
    });
    const after = state.items.find((i) => i.key === key)!;
    return { outcome, status: after.status, progress: after.progress, told: told.join('\n'), checks };
  }

  test('a SQL step continues after what its journal says committed; its verification is not what decides', async () => {
    const events = [output('step:one', stmt(0, 3, true), done(0), { type: 'committed', through: 0, total: 3 }, stmt(1, 3, true), done(1), { type: 'committed', through: 1, total: 3 })];
    const r = await reconcileWith('step:one', async () => ({ verdicts: [{ ...ok, ok: false }] }), { events });
    assert.equal(r.outcome, 'again');
    assert.equal(r.status, 'pending');
    assert.equal(r.checks, 0, 'no verification decides whether statements run again');
    assert.deepEqual(r.progress, { total: 3, committed: 2 });
    assert.match(r.told, /the journal shows statements 1–2 of 3 committed/);
  });

  test('an autocommit statement sent and never seen to end stays in flight: unknown until settled', async () => {
    const events = [output('step:one', stmt(0, 2, true), done(0), { type: 'committed', through: 0, total: 2 }, stmt(1, 2, true))];
    const r = await reconcileWith('step:one', async () => ({ verdicts: [ok] }), { events });
    assert.equal(r.status, 'pending');
    assert.deepEqual(r.progress, { total: 2, committed: 1, inFlight: { index: 1, commit: false } });
    assert.match(r.told, /statement 1 of 2 committed, and whether statement 2 took effect is unknown/);
  });

  test('statements inside the step’s transaction commit nothing until its COMMIT; a COMMIT sent is in flight', async () => {
    const inside = await reconcileWith('step:one', async () => ({ verdicts: [ok] }), { events: [output('step:one', stmt(0, 2, false), done(0), stmt(1, 2, false))] });
    assert.deepEqual(inside.progress, { total: 2, committed: 0 });
    const committing = await reconcileWith('step:one', async () => ({ verdicts: [ok] }), {
      events: [output('step:one', stmt(0, 2, false), done(0), stmt(1, 2, false), done(1), { type: 'commit_started', through: 1 })],
    });
    assert.deepEqual(committing.progress, { total: 2, committed: 0, inFlight: { index: 1, commit: true } });
  });

  test('a shell step: verification passes: done, and the step counts as passed', async () => {
    const r = await reconcileWith('step:three', async () => ({ verdicts: [ok] }), { step: shellStep() });
    assert.equal(r.outcome, 'done');
    assert.equal(r.status, 'passed');
    assert.match(r.told, /reconciling: .*running its verification again[\s\S]*reconciled: DONE/);
  });

  test('a shell step: verification fails: not done, pending again so it runs again', async () => {
    const r = await reconcileWith('step:three', async () => ({ verdicts: [{ ...ok, ok: false, actual: 'missing' }] }), { step: shellStep() });
    assert.equal(r.outcome, 'not done');
    assert.equal(r.status, 'pending');
    assert.match(r.told, /NOT DONE — a exists: expected ok, actual missing/);
  });

  test('a shell step with nothing to verify: unknown, blocked until the operator retries or skips', async () => {
    const r = await reconcileWith('step:three', async () => ({ verdicts: [ok] }));
    assert.equal(r.outcome, 'unknown');
    assert.equal(r.status, 'interrupted');
    assert.equal(r.checks, 0);
    assert.match(r.told, /UNKNOWN.*retry it/);
  });

  test('a verification that cannot run is unknown, never done', async () => {
    const r = await reconcileWith('step:three', async () => ({ verdicts: [], error: { kind: 'connection', message: 'server gone' } }), { step: shellStep() });
    assert.equal(r.outcome, 'unknown');
    assert.equal(r.status, 'interrupted');
  });
});

describe('the lock', () => {
  test('the key is a stable positive bigint per (runbook, database)', () => {
    const k = lockKey('demo', 'app');
    assert.equal(k, lockKey('demo', 'app'));
    assert.notEqual(k, lockKey('demo', 'app2'));
    assert.notEqual(k, lockKey('demo2', 'app'));
    assert.ok(k > 0n && k < 2n ** 63n);
  });
  test('the application name carries the operator first; the refusal names the holder', () => {
    assert.equal(lockApplicationName('Alice Smith@laptop', 'r1'), 'runbook Alice_Smith@laptop run r1');
    assert.ok(lockApplicationName('x'.repeat(100), 'r1').length <= 63);
    // The run id stays whole: the operator is cut, in characters, to 63 bytes.
    const runId = '20261207-205451-1f7e9a0c';
    const long = lockApplicationName('José Élodie Ångström-Ørsted@build-host-17.example', runId);
    assert.ok(Buffer.byteLength(long) <= 63, long);
    assert.ok(long.endsWith(` run ${runId}`), long);
    assert.equal(long, `runbook José_Élodie_Ångström- run ${runId}`);
    const msg = refusal('demo', 'app', { pid: 7, operator: 'alice@laptop', runId: 'r1', dbUser: 'ops', clientAddr: '10.0.0.5', applicationName: '', since: '2025-11-27 02:08:12 UTC' });
    assert.match(msg, /already running on database "app": held by alice@laptop \(database user ops from 10\.0\.0\.5, since 2025-11-27 02:08:12 UTC, server pid 7, run r1\)/);
  });
});
