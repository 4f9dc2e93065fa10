// The run's state machine, exhaustively, without a database.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createRun, nextMove, phaseOf, progress } from '../../src/engine/plan.js';
import { checkOutput, IllegalTransition, reduce, frontier } from '../../src/engine/reducer.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { ExecEvent } from '../../src/exec/types.js';
import type { RunState, TargetInfo } from '../../src/engine/state.js';
import { OUTPUT_LINES_KEPT } from '../../src/engine/state.js';
import { runbook as schema } from '../../src/runbook/schema.js';
import type { Runbook } from '../../src/runbook/load.js';

const target: TargetInfo = { host: '127.0.0.1', port: 5432, database: 'db', user: 'u', serverVersion: '15.4', serverVersionNum: 150004, isReplica: false, backendPid: 1, serverStartedAt: '2026-01-01 00:00:00+00', url: 'postgres://u@127.0.0.1/db' };
const ok = { label: 'rows', ok: true, expected: 'rows = 1', actual: '1 row' };
const bad = { label: 'rows', ok: false, expected: 'rows = 0', actual: '3 rows' };

function rb(extra: Record<string, unknown> = {}): Runbook {
  const data = schema.parse({
    runbook: 1,
    id: 'demo',
    title: 'Demo',
    prerequisites: [{ id: 'pre', title: 'Version', sql: 'SELECT 1' }],
    steps: [
      { id: 'one', title: 'One', sql: 'SELECT 1' },
      { id: 'two', title: 'Two', sql: 'SELECT 2', skippable: true },
      { id: 'three', title: 'Three', sql: 'SELECT 3' },
    ],
    procedures: [{ id: 'undo', title: 'Undo', steps: [{ id: 'u1', title: 'U1', sql: 'SELECT 1' }] }],
    checklist: ['Logs are clean', { id: 'backup', title: 'Backup kept' }],
    ...extra,
  });
  return { ...data, file: '/x/demo.yaml', dir: '/x', sqlFiles: new Map() };
}

function apply(state: RunState, ...events: RunEvent[]): RunState {
  return events.reduce(reduce, state);
}
const at = 1;
const started = (key: string): RunEvent => ({ type: 'item_started', key, at });
const finished = (key: string, verdicts = [ok]): RunEvent => ({ type: 'item_finished', key, verdicts, durationMs: 5, at });
function ready(): RunState {
  return apply(createRun(rb(), { at: 0 }), { type: 'inputs_set', inputs: {}, at }, { type: 'target_pinned', target, at });
}
function pass(state: RunState, key: string): RunState {
  return apply(state, started(key), finished(key));
}

describe('building a run', () => {
  test('prerequisites, then steps, then the checklist, all pending', () => {
    const s = createRun(rb(), { at: 0 });
    assert.deepEqual(s.items.map((i) => i.key), ['prerequisite:pre', 'step:one', 'step:two', 'step:three', 'checklist:item-1', 'checklist:backup']);
    assert.ok(s.items.every((i) => i.status === 'pending'));
    assert.equal(s.items[2].skippable, true);
    assert.equal(s.items[1].skippable, false);
  });
  test('a procedure runs its own steps after the prerequisites, without the checklist', () => {
    const s = createRun(rb(), { kind: 'procedure', procedureId: 'undo', at: 0 });
    assert.deepEqual(s.items.map((i) => i.key), ['prerequisite:pre', 'step:u1']);
  });
  test('an unknown procedure is named in the error with the ones that exist', () => {
    assert.throws(() => createRun(rb(), { kind: 'procedure', procedureId: 'nope', at: 0 }), /no procedure "nope".*undo/);
  });
  test('a rollback run has only its steps', () => {
    const steps = rb().steps.slice(0, 1);
    assert.deepEqual(createRun(rb(), { kind: 'rollback', steps, at: 0 }).items.map((i) => i.key), ['step:one']);
  });
});

describe('phases and next moves', () => {
  test('inputs → target → prerequisites → steps → checklist → done', () => {
    let s = createRun(rb(), { at: 0 });
    assert.equal(phaseOf(s), 'inputs');
    assert.deepEqual(nextMove(s), { type: 'ask_inputs' });
    s = reduce(s, { type: 'inputs_set', inputs: { a: 1 }, at });
    assert.equal(phaseOf(s), 'target');
    assert.deepEqual(nextMove(s), { type: 'pin_target' });
    s = reduce(s, { type: 'target_pinned', target, at });
    assert.equal(phaseOf(s), 'prerequisites');
    assert.deepEqual(nextMove(s), { type: 'run', key: 'prerequisite:pre' });
    s = pass(s, 'prerequisite:pre');
    assert.equal(phaseOf(s), 'steps');
    s = pass(pass(pass(s, 'step:one'), 'step:two'), 'step:three');
    assert.equal(phaseOf(s), 'checklist');
    s = apply(s, started('checklist:item-1'), { type: 'item_confirmed', key: 'checklist:item-1', text: 'Logs', at }, { type: 'item_confirmed', key: 'checklist:backup', text: 'Backup', at });
    assert.equal(phaseOf(s), 'done');
    assert.deepEqual(nextMove(s), { type: 'finish' });
    s = reduce(s, { type: 'run_ended', outcome: 'succeeded', at });
    assert.deepEqual(nextMove(s), { type: 'ended' });
    assert.equal(s.decisions.filter((d) => d.type === 'confirmed').length, 2);
  });
  test('progress counts steps only', () => {
    let s = pass(ready(), 'prerequisite:pre');
    assert.deepEqual(progress(s), { current: 1, total: 3 });
    s = pass(s, 'step:one');
    assert.deepEqual(progress(s), { current: 2, total: 3 });
  });
  test('a running item is still the move (it is being run)', () => {
    const s = reduce(ready(), started('prerequisite:pre'));
    assert.deepEqual(nextMove(s), { type: 'run', key: 'prerequisite:pre' });
  });
});

describe('gating: a step is reachable only when every earlier one passed or was skipped', () => {
  test('starting a later step first is refused', () => {
    assert.throws(() => reduce(ready(), started('step:one')), IllegalTransition);
  });
  test('items cannot start before inputs and target', () => {
    assert.throws(() => reduce(createRun(rb(), { at: 0 }), started('prerequisite:pre')), /inputs and target/);
  });
  test('target before inputs is refused, and inputs after the target', () => {
    assert.throws(() => reduce(createRun(rb(), { at: 0 }), { type: 'target_pinned', target, at }), /inputs come before/);
    assert.throws(() => reduce(ready(), { type: 'inputs_set', inputs: {}, at }), /fixed/);
  });
  test('a failed check blocks: the next move is blocked, and the next step cannot start', () => {
    let s = pass(ready(), 'prerequisite:pre');
    s = apply(s, started('step:one'), finished('step:one', [ok, bad]));
    assert.equal(s.items[1].status, 'failed');
    assert.deepEqual(nextMove(s), { type: 'blocked', key: 'step:one' });
    assert.throws(() => reduce(s, started('step:two')), /not reachable/);
  });
  test('an error fails the item even when no verdict failed', () => {
    const s = apply(ready(), started('prerequisite:pre'), { type: 'item_finished', key: 'prerequisite:pre', verdicts: [], error: { kind: 'sql', message: 'boom' }, durationMs: 1, at });
    assert.equal(s.items[0].status, 'failed');
    assert.equal(s.items[0].error?.message, 'boom');
  });
  test('retry puts a failed item back to pending, and it can pass', () => {
    let s = apply(ready(), started('prerequisite:pre'), finished('prerequisite:pre', [bad]));
    s = reduce(s, { type: 'item_retry', key: 'prerequisite:pre', at });
    assert.equal(s.items[0].status, 'pending');
    s = pass(s, 'prerequisite:pre');
    assert.equal(s.items[0].status, 'passed');
    assert.equal(s.items[0].attempts, 2);
    assert.deepEqual(s.items[0].verdicts, [ok]);
    assert.equal(s.decisions[0].type, 'retried');
  });
  test('retry of a passed or pending item is refused', () => {
    assert.throws(() => reduce(ready(), { type: 'item_retry', key: 'prerequisite:pre', at }), /cannot retry/);
  });
  test('skip needs permission, a reason, and must be the current item', () => {
    let s = pass(pass(ready(), 'prerequisite:pre'), 'step:one');
    assert.throws(() => reduce(s, { type: 'item_skipped', key: 'step:two', reason: '  ', at }), /needs a reason/);
    assert.throws(() => reduce(s, { type: 'item_skipped', key: 'step:three', reason: 'later', at }), /not the current item/);
    s = apply(s, started('step:two'), finished('step:two', [bad]), { type: 'item_skipped', key: 'step:two', reason: 'index exists already', at });
    assert.equal(s.items[2].status, 'skipped');
    assert.equal(s.items[2].skipReason, 'index exists already');
    assert.deepEqual(nextMove(s), { type: 'run', key: 'step:three' });
    assert.equal(s.decisions.at(-1)?.type, 'skipped');
  });
  test('a step the runbook does not allow to skip cannot be skipped', () => {
    const s = apply(pass(ready(), 'prerequisite:pre'), started('step:one'), finished('step:one', [bad]));
    assert.throws(() => reduce(s, { type: 'item_skipped', key: 'step:one', reason: 'meh', at }), /may not be skipped/);
  });
  test('interrupt marks a running item interrupted and blocks', () => {
    const s = apply(ready(), started('prerequisite:pre'), { type: 'item_interrupted', key: 'prerequisite:pre', reason: 'cancelled by the operator', at });
    assert.equal(s.items[0].status, 'interrupted');
    assert.deepEqual(nextMove(s), { type: 'blocked', key: 'prerequisite:pre' });
    assert.equal(reduce(s, { type: 'item_retry', key: 'prerequisite:pre', at }).items[0].status, 'pending');
  });
  test('interrupting or finishing an item that is not running is refused', () => {
    assert.throws(() => reduce(ready(), { type: 'item_interrupted', key: 'prerequisite:pre', reason: 'x', at }), /cannot interrupt/);
    assert.throws(() => reduce(ready(), finished('prerequisite:pre')), /cannot finish/);
  });
  test('an unknown item is refused by name', () => {
    assert.throws(() => reduce(ready(), started('step:nope')), /no item "step:nope"/);
  });
});

describe('output, decisions and the end', () => {
  test('output is kept bounded, newest lines last', () => {
    let s = reduce(ready(), started('prerequisite:pre'));
    for (let i = 0; i < OUTPUT_LINES_KEPT + 20; i++) s = reduce(s, { type: 'item_output', key: 'prerequisite:pre', events: [{ type: 'output', stream: 'stdout', line: `l${i}` }], at });
    assert.equal(s.items[0].output.length, OUTPUT_LINES_KEPT);
    assert.equal(s.items[0].outputDropped, 20);
    assert.deepEqual(s.items[0].output.at(-1), { type: 'output', stream: 'stdout', line: `l${OUTPUT_LINES_KEPT + 19}` });
  });
  test('output of a pending item is refused; a failed item may show a fix’s output', () => {
    const line: RunEvent = { type: 'item_output', key: 'prerequisite:pre', events: [{ type: 'notice', severity: 'NOTICE', message: 'hi' }], at };
    assert.throws(() => reduce(ready(), line), /cannot record output/);
    const failed = apply(ready(), started('prerequisite:pre'), finished('prerequisite:pre', [bad]));
    assert.deepEqual(reduce(failed, line).items[0].output.at(-1), { type: 'notice', severity: 'NOTICE', message: 'hi' });
  });
  test('a burst of output reduced at once gives the state that reducing it line by line gives', () => {
    const s0 = apply(ready(), started('prerequisite:pre'));
    const events = Array.from({ length: OUTPUT_LINES_KEPT * 2 + 7 }, (_, i): ExecEvent =>
      i % 3 ? { type: 'notice', severity: 'NOTICE', message: `n${i}` } : { type: 'output', stream: 'stdout', line: `l${i}` });
    const one = (e: ExecEvent): RunEvent => ({ type: 'item_output', key: 'prerequisite:pre', events: [e], at });
    const burst = reduce(s0, { type: 'item_output', key: 'prerequisite:pre', events, at });
    assert.deepEqual(burst, events.map(one).reduce(reduce, s0));
    assert.equal(burst.items[0].outputDropped, OUTPUT_LINES_KEPT + 7);
    assert.deepEqual(burst.items[0].output[0], { type: 'output', stream: 'stdout', line: 'l507' });
    assert.throws(() => checkOutput(ready(), 'prerequisite:pre'), /cannot record output/);
    assert.doesNotThrow(() => checkOutput(s0, 'prerequisite:pre'));
  });
  test('danger confirmations and fixes are recorded as decisions', () => {
    const s = apply(ready(), { type: 'danger_confirmed', key: 'step:one', database: 'db', at }, { type: 'fix_finished', key: 'step:one', entryId: 'fx', ok: true, at });
    assert.deepEqual(s.decisions.map((d) => d.type), ['danger_confirmed', 'fix_run']);
  });
  test('a passed step can be marked rolled back, even after the run ended', () => {
    let s = pass(pass(ready(), 'prerequisite:pre'), 'step:one');
    s = reduce(s, { type: 'run_ended', outcome: 'aborted', reason: 'rolled back', at });
    s = reduce(s, { type: 'item_rolled_back', key: 'step:one', at });
    assert.equal(s.items[1].status, 'rolled_back');
    assert.throws(() => reduce(s, { type: 'item_rolled_back', key: 'step:two', at }), /cannot mark rolled back/);
  });
  test('the run cannot succeed while items remain, and takes no events once ended', () => {
    assert.throws(() => reduce(ready(), { type: 'run_ended', outcome: 'succeeded', at }), /cannot succeed/);
    const ended = reduce(ready(), { type: 'run_ended', outcome: 'failed', reason: 'x', at });
    assert.equal(ended.ended?.outcome, 'failed');
    assert.throws(() => reduce(ended, started('prerequisite:pre')), /has ended/);
  });
  test('frontier is -1 when every item is done', () => {
    let s = ready();
    for (const item of s.items) s = item.kind === 'checklist' ? reduce(s, { type: 'item_confirmed', key: item.key, text: 'x', at }) : pass(s, item.key);
    assert.equal(frontier(s), -1);
  });
});

test('the frontier carried from state to state is the one a scan finds, over seeded walks of starts, passes, failures, retries, skips and roll-backs', () => {
  const scan = (s: RunState) => s.items.findIndex((i) => i.status !== 'passed' && i.status !== 'skipped');
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let compared = 0;
  for (let walk = 0; walk < 40; walk++) {
    let s = ready();
    // The first question of a state is answered by a scan; after that each state inherits it from the one before.
    assert.equal(frontier(s), scan(s));
    for (let n = 0; n < 60; n++) {
      const f = frontier(s);
      assert.equal(f, scan(s), `walk ${walk}, event ${n}`);
      compared++;
      if (f === -1) break;
      const item = s.items[f];
      if (item.status === 'pending') s = reduce(s, started(item.key));
      else if (item.status === 'running') s = reduce(s, finished(item.key, next() < 0.3 ? [bad] : [ok]));
      else if (item.skippable && next() < 0.5) s = reduce(s, { type: 'item_skipped', key: item.key, reason: 'seeded', at });
      else s = reduce(s, { type: 'item_retry', key: item.key, at });
    }
    // A rollback marks done steps rolled back (not done), newest first: the frontier moves back to each.
    const done = s.items.filter((i) => i.status === 'passed').reverse();
    for (const item of done.filter(() => next() < 0.4)) {
      s = reduce(s, { type: 'item_rolled_back', key: item.key, at });
      assert.equal(frontier(s), scan(s), `walk ${walk}, rolled back ${item.key}`);
      compared++;
    }
  }
  assert.ok(compared > 400, `${compared} states compared`);
});
