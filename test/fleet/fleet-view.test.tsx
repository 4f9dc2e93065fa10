// The fleet view with ink-testing-library: targets by wave, failures first,
// live updates, Enter opens a target's run read-only, q leaves.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { FleetScreen, type FleetSource } from '../../src/tui/fleet/FleetScreen.js';
import type { FleetRow, TargetRow } from '../../src/fleet/control.js';
import { createRun } from '../../src/engine/plan.js';
import { reduce } from '../../src/engine/reducer.js';
import { parseRunbook } from '../../src/runbook/load.js';
import type { RunState } from '../../src/engine/state.js';

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const strip = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '');
afterEach(() => cleanup());

const fleet: FleetRow = {
  id: 7, name: 'tenants', fleetKey: 'k', runbookId: 'add-index', runbookFile: '/r.yaml', runbookSha: 's',
  plan: { file: '/t.yaml', onFailure: 'continue', maxFailPercentage: null, waves: [{ name: 'canary', canary: true, concurrency: 1, gate: null, targets: ['t1'] }, { name: 'rest', canary: false, concurrency: 5, gate: null, targets: ['t2', 't3', 't4'] }] },
  answers: { inputs: {}, confirmed: null, danger: null, recordInDb: false }, state: 'running', wave: 1, gatesPassed: [], reason: null, createdBy: 'alice@h', createdAt: '2026-01-01T00:00:00Z', endedAt: null,
};
const now = Date.parse('2026-01-01T00:01:00Z');
const target = (name: string, wave: number, state: TargetRow['state'], extra: Partial<TargetRow> = {}): TargetRow => ({
  fleetId: 7, name, position: Number(name.slice(1)), wave, connection: { url: 'postgres://x@h/d' }, labels: {}, state, runId: null, workerId: null, attempts: 0, retry: false, current: null, error: null,
  startedAt: state === 'pending' ? null : '2026-01-01T00:00:30Z', finishedAt: null, updatedAt: '2026-01-01T00:00:30Z', ...extra,
});

test('targets by wave with failures first; updates move the rows; Enter opens a run read-only; q leaves', async () => {
  const loaded = await parseRunbook('runbook: 1\nid: add-index\ntitle: T\nsteps:\n  - { id: build, title: Build the index, sql: SELECT 1 }\n  - { id: check, title: Check it, sql: SELECT 2 }\n', '/tmp/r.yaml');
  assert.ok(loaded.ok);
  let run: RunState = createRun(loaded.runbook, { kind: 'runbook', at: 0 });
  const pinned = { host: '127.0.0.1', port: 5432, database: 'db', user: 'u', serverVersion: '15.4', serverVersionNum: 150004, isReplica: false, backendPid: 1, serverStartedAt: '2026-01-01 00:00:00+00', url: 'postgres://u@127.0.0.1/db' };
  run = reduce(run, { type: 'inputs_set', inputs: {}, at: 1 });
  run = reduce(run, { type: 'target_pinned', target: pinned, at: 1 });
  run = reduce(run, { type: 'item_started', key: 'step:build', at: 1 });
  const subscribers: ((f: FleetRow, t: TargetRow[]) => void)[] = [];
  const read: string[] = [];
  const source: FleetSource = {
    subscribe: (u) => (subscribers.push(u), () => {}),
    readRun: (id) => (read.push(id), run),
  };
  let quit = false;
  const rows = [target('t1', 0, 'succeeded'), target('t2', 1, 'running', { current: 'step build', runId: 'r2' }), target('t3', 1, 'pending'), target('t4', 1, 'failed', { error: 'Build the index: relation exists', runId: 'r4' })];
  const ui = render(<FleetScreen fleet={fleet} targets={rows} source={source} onQuit={() => (quit = true)} size={{ columns: 100, rows: 16 }} color={false} clock={() => now} />);
  // Every change waits for its frame (the machine may be busy).
  const until = async (re: RegExp) => {
    for (let i = 0; i < 200 && !re.test(strip(ui.lastFrame()!)); i++) await tick(25);
    return strip(ui.lastFrame()!);
  };
  let frame = await until(/t4\s+failed/);
  assert.match(frame, /fleet tenants \(#7\) · add-index · running · wave 2\/2 · 4 targets/);
  const order = ['t1', 't4', 't2', 't3'].map((n) => frame.indexOf(`  ${n} `));
  assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])), `wave 1, then wave 2 with the failure first:\n${frame}`);
  assert.match(frame, /t2\s+running\s+30 s\s+step build/);
  assert.match(frame, /t4\s+failed\s+30 s\s+Build the index: relation exists/);
  assert.match(frame, /wave 1 · canary \(canary\) · at most 1 at once/);

  // t3 fails too: it moves up among the failures.
  subscribers.forEach((u) => u({ ...fleet }, rows.map((r) => (r.name === 't3' ? { ...r, state: 'failed', error: 'boom' } : r))));
  frame = await until(/t3\s+failed/);
  assert.ok(frame.indexOf('  t3 ') < frame.indexOf('  t2 '), frame);

  // Down to t2 (wave 1: t1, then t4, t3, t2) and Enter: its run, read-only, from its journal.
  for (let i = 0; i < 3; i++) {
    ui.stdin.write('\u001B[B');
    await tick(150);
  }
  ui.stdin.write('\r');
  frame = await until(/run r2/);
  assert.deepEqual(read, ['r2']);
  assert.match(frame, /t2 · running · run r2/);
  assert.match(frame, /▶ step Build the index/);
  assert.match(frame, /· step Check it/);
  assert.match(frame, /read-only/);
  ui.stdin.write('\u001B');
  assert.match(await until(/t1\s+succeeded/), /t1\s+succeeded/);
  await tick(50);
  ui.stdin.write('q');
  for (let i = 0; i < 200 && !quit; i++) await tick(25);
  assert.ok(quit);
});
