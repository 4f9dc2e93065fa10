// The store around the reducer: questions that wait for answers, effects
// carried out, and frames throttled so a storm of events cannot flood React.
import { NO_TROUBLESHOOTING } from '../../src/checks/troubleshoot.js';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reduce } from '../../src/engine/reducer.js';
import type { RunEvent } from '../../src/engine/events.js';
import { TuiController } from '../../src/tui/controller.js';
import { screenOperator } from '../../src/tui/operator.js';
import { NO_KEY } from '../../src/tui/keys.js';
import { atSteps, makeUi, NOW } from './helpers.js';

describe('the controller', () => {
  test('a question waits until a key answers it', async () => {
    const ctl = new TuiController(atSteps(), { frameMs: 0 });
    const op = screenOperator(ctl);
    const item = ctl.getState().run.items[0];
    let answered: unknown;
    const p = op.confirm(item, 'ok?').then((v) => (answered = v));
    await Promise.resolve();
    assert.equal(answered, undefined);
    assert.equal(ctl.getState().prompt?.kind, 'confirm');
    ctl.key('x', NO_KEY);
    await Promise.resolve();
    assert.equal(answered, undefined);
    ctl.key('y', NO_KEY);
    await p;
    assert.equal(answered, true);
    assert.equal(ctl.getState().prompt, null);
  });

  test('once the operator quits, later questions are answered “no” at once', async () => {
    const ctl = new TuiController(atSteps(), { frameMs: 0 });
    const stops: string[] = [];
    ctl.setHooks({ stop: () => stops.push('stop') });
    const op = screenOperator(ctl);
    const item = ctl.getState().run.items[2];
    const first = op.blocked(item, [], NO_TROUBLESHOOTING);
    ctl.key('q', NO_KEY);
    assert.deepEqual(await first, { type: 'quit' });
    assert.deepEqual(stops, ['stop']);
    assert.equal(await op.confirm(item, 'x'), false);
    assert.equal(await op.confirmDanger(item, [], 'appdb'), false);
    assert.deepEqual(await op.blocked(item, [], NO_TROUBLESHOOTING), { type: 'quit' });
    assert.equal(await op.confirmFix(ctl.getState().runbook.troubleshooting[0]), false);
    assert.equal(await op.askInputs({}, {}, [], []), null);
  });

  test('a fix that the runbook says needs no confirmation is not asked about', async () => {
    const ctl = new TuiController(atSteps(), { frameMs: 0 });
    const entry = { ...ctl.getState().runbook.troubleshooting[0], fix: { sql: 'SELECT 1', confirm: false } };
    assert.equal(await screenOperator(ctl).confirmFix(entry), true);
  });

  test('dispose answers an open question, so a session never hangs on a closed screen', async () => {
    const ctl = new TuiController(atSteps(), { frameMs: 0 });
    const p = screenOperator(ctl).confirm(ctl.getState().run.items[0], 'x');
    ctl.dispose();
    assert.equal(await p, false);
  });

  test('frames are throttled: a storm of events makes few renders, and the last state always lands', async () => {
    let now = NOW;
    const ctl = new TuiController(atSteps(makeUi()), { frameMs: 50, clock: () => now });
    let renders = 0;
    ctl.subscribe(() => renders++);
    let run = ctl.getState().run;
    const start: RunEvent = { type: 'item_started', key: 'step:indexes', at: NOW };
    run = reduce(run, start);
    ctl.onRun(run, start);
    for (let i = 0; i < 10_000; i++) {
      const e: RunEvent = { type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: `n${i}` }], at: NOW };
      run = reduce(run, e);
      ctl.onRun(run, e);
      if (i % 1000 === 0) now += 10; // 100 ms of wall time in all
    }
    assert.ok(renders <= 4, `${renders} renders for 10,000 events`);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(ctl.getSnapshot(), ctl.getState(), 'the trailing frame shows the newest state');
    const before = renders;
    ctl.key('j', NO_KEY);
    assert.equal(renders, before + 1, 'a key is drawn at once');
    ctl.dispose();
  });

  test('while only output comes, a frame at most every outputFrameMs (3 × frameMs); any other news within frameMs', async () => {
    let now = NOW;
    const ctl = new TuiController(atSteps(makeUi()), { frameMs: 50, clock: () => now });
    let renders = 0;
    ctl.subscribe(() => renders++);
    let run = ctl.getState().run;
    const send = async (e: RunEvent) => {
      run = reduce(run, e);
      ctl.onRun(run, e);
      await Promise.resolve(); // output is applied in a microtask, a burst at a time
    };
    const notice = (i: number): RunEvent => ({ type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: `n${i}` }], at: NOW });
    await send({ type: 'item_started', key: 'step:indexes', at: NOW });
    assert.equal(renders, 1);
    for (const [i, ms] of [[1, 60], [2, 60]] as const) {
      now += ms;
      await send(notice(i));
      assert.equal(renders, 1, `output alone, ${now - NOW} ms after the last frame: no frame yet`);
    }
    now += 40;
    await send(notice(3));
    assert.equal(renders, 2, '150 ms after the last frame, output is drawn');
    now += 60;
    await send({ type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_started', index: 1, total: 2, line: 2, text: 'SELECT 2' }], at: NOW });
    assert.equal(renders, 3, 'a statement starting is news: drawn 60 ms after the last frame');
    now += 10;
    await send(notice(4));
    now += 50;
    await send({ type: 'item_output', key: 'step:indexes', events: [{ type: 'statement_started', index: 1, total: 2, line: 2, text: 'SELECT 2' }], at: NOW });
    assert.equal(renders, 4, 'output and then news: frameMs applies');
    ctl.dispose();
  });

  test('the clock ticks the elapsed time', async () => {
    let now = NOW;
    const ctl = new TuiController(atSteps(), { frameMs: 0, clock: () => now });
    ctl.startClock(10);
    now += 5000;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(ctl.getState().now, NOW + 5000);
    ctl.dispose();
  });
});
