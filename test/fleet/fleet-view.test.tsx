// The fleet view with ink-testing-library: targets by wave, failures first,
// live updates; Enter shows a target's run on the run screen in observer mode,
// followed from its journal file as the run goes on (a real file, appended to
// as a worker would); Esc brings the table back; q leaves.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { FleetScreen, type FleetSource } from '../../src/tui/fleet/FleetScreen.js';
import type { FleetRow, TargetRow } from '../../src/fleet/control.js';
import { observeJournal, type ObservedRun } from '../../src/fleet/observed-run.js';
import { createRun } from '../../src/engine/plan.js';
import { JournalWriter } from '../../src/journal/journal.js';
import { headerItems } from '../../src/journal/replay.js';
import { parseRunbook } from '../../src/runbook/load.js';

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

test('targets by wave with failures first; updates move the rows; Enter watches a run as it goes on; Esc back; q leaves', async () => {
  const loaded = await parseRunbook('runbook: 1\nid: add-index\ntitle: T\nsteps:\n  - { id: build, title: Build the index, sql: SELECT 1 }\n  - { id: check, title: Check it, sql: SELECT 2 }\n', '/tmp/r.yaml');
  assert.ok(loaded.ok);
  const rb = loaded.runbook;
  // t2's run, in its journal as a worker writes it: started, on its first step.
  const path = join(mkdtempSync(join(tmpdir(), 'fleet-view-')), 'r2.jsonl');
  const t0 = Date.now();
  const journal = JournalWriter.create(path, {
    record: 'header', version: 2, runId: 'r2', runbook: { id: rb.id, title: rb.title, file: rb.file, sha256: '0'.repeat(64) }, kind: 'runbook',
    items: headerItems(createRun(rb, { at: 0 }), rb.steps), target: 'postgres://u@127.0.0.1/db', operator: 'alice@h', pid: 1, startedAt: t0, tool: 'test',
  });
  const pinned = { host: '127.0.0.1', port: 5432, database: 'db', user: 'u', serverVersion: '15.4', serverVersionNum: 150004, isReplica: false, backendPid: 1, serverStartedAt: '2026-01-01 00:00:00+00', url: 'postgres://u@127.0.0.1/db' };
  journal.event({ type: 'inputs_set', inputs: {}, at: t0 });
  journal.event({ type: 'target_pinned', target: pinned, at: t0 });
  journal.event({ type: 'item_started', key: 'step:build', at: t0 });
  const subscribers: ((f: FleetRow, t: TargetRow[]) => void)[] = [];
  const opened: string[] = [];
  const watched: ObservedRun[] = [];
  const source: FleetSource = {
    subscribe: (u) => (subscribers.push(u), () => {}),
    async openRun(t) {
      opened.push(t.name);
      if (!t.runId) return { error: `${t.name} has no run yet: it waits for its wave` };
      const run = observeJournal(path, { operator: 'alice@h', target: t.name, tickMs: 50 });
      const close = run.close;
      watched.push(run);
      return { runbook: rb, steps: rb.steps, run: { ...run, close: async () => (watched.splice(watched.indexOf(run), 1), close()) } };
    },
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
  subscribers.forEach((u) => u({ ...fleet }, rows.map((r) => (r.name === 't3' ? { ...r, state: 'failed', error: 'boom', runId: null } : r))));
  frame = await until(/t3\s+failed/);
  assert.ok(frame.indexOf('  t3 ') < frame.indexOf('  t2 '), frame);

  // Wave 2 now reads t3, t4 (the failures, in the targets file's order), t2. t3 has no run: Enter says so, in the view; Esc back.
  ui.stdin.write('\u001B[B');
  await tick(150);
  ui.stdin.write('\r');
  frame = await until(/no run yet/);
  assert.match(frame, /t3 · failed · run not started/);
  ui.stdin.write('\u001B');
  await until(/t1\s+succeeded/);

  // Down to t2 and Enter: the run screen, watching, on the step being run.
  for (let i = 0; i < 2; i++) {
    ui.stdin.write('\u001B[B');
    await tick(150);
  }
  ui.stdin.write('\r');
  frame = await until(/WATCHING \(read-only\)/);
  assert.deepEqual(opened, ['t3', 't2']);
  assert.match(frame, /Build the index/);
  assert.match(frame, /step 1 of 2/);
  assert.match(frame, /back to the fleet \(the run goes on\)/);
  assert.match(frame, /t2 · fleet tenants · run r2/);
  // Keys that would act on an operator's screen do nothing here.
  ui.stdin.write('\r');
  ui.stdin.write('s');
  await tick(100);
  assert.match(strip(ui.lastFrame()!), /WATCHING \(read-only\)/);

  // The worker goes on: the screen follows the journal.
  journal.event({ type: 'item_finished', key: 'step:build', verdicts: [], durationMs: 5, at: t0 + 5 });
  journal.event({ type: 'item_started', key: 'step:check', at: t0 + 6 });
  frame = await until(/step 2 of 2/);
  assert.match(frame, /Check it/);

  // Esc: the table again; the run's reading is let go.
  ui.stdin.write('\u001B');
  frame = await until(/t1\s+succeeded/);
  assert.doesNotMatch(frame, /WATCHING/);
  for (let i = 0; i < 40 && watched.length; i++) await tick(25);
  assert.equal(watched.length, 0, 'leaving the run closed what read it');
  journal.close();
  await tick(50);
  ui.stdin.write('q');
  for (let i = 0; i < 200 && !quit; i++) await tick(25);
  assert.ok(quit);
});
