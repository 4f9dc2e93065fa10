// Shared fixtures for the screen's tests: a runbook, a target, and a way to
// drive the screen's state with the same events a session emits.
import type { RunEvent } from '../../src/engine/events.js';
import { reduce } from '../../src/engine/reducer.js';
import type { TargetInfo } from '../../src/engine/state.js';
import type { Runbook } from '../../src/runbook/load.js';
import { runbook as schema } from '../../src/runbook/schema.js';
import type { Effect, Intent } from '../../src/tui/intents.js';
import { initialState, type UiState } from '../../src/tui/state.js';
import { update } from '../../src/tui/store.js';
import { detailGeometry } from '../../src/tui/views/geometry.js';
import { columns as displayColumns } from '../../src/present/width.js';

export const target: TargetInfo = {
  host: '127.0.0.1',
  port: 5432,
  database: 'appdb',
  user: 'postgres',
  serverVersion: '15.4',
  serverVersionNum: 150004,
  isReplica: false,
  backendPid: 4242,
  serverStartedAt: '2026-01-01 00:00:00+00',
  url: 'postgres://postgres@127.0.0.1:5432/appdb',
};

export function makeRunbook(extra: Record<string, unknown> = {}, sqlFiles: Record<string, string> = {}): Runbook {
  const data = schema.parse({
    runbook: 1,
    id: 'demo',
    title: 'Phase 3 — performance indexes',
    risk: 'high',
    estimate: '10m',
    inputs: { user_id: { type: 'integer', default: 1, description: 'A user to test plans with' }, label: { type: 'string', required: false } },
    prerequisites: [
      { id: 'pg-version', title: 'PostgreSQL 12 or newer', sql: "SELECT current_setting('server_version_num')::int AS version", expect: { row: { version: '>= 120000' } } },
      { id: 'backup', title: 'A backup was taken', confirm: 'I have a backup taken in the last hour' },
    ],
    steps: [
      {
        id: 'indexes',
        title: 'Create the composite indexes',
        explain: '## Why\nThe timeline query scans the whole table.\n- builds **concurrently**\n- takes `ShareUpdateExclusiveLock`',
        sql: 'CREATE INDEX CONCURRENTLY idx_messages_user_created ON messages (user_id, created_at DESC);',
        timeout: '10m',
        expected: 'CREATE INDEX',
        verify: [{ title: 'The index serves the timeline', sql: 'EXPLAIN SELECT 1', expect: { plan: 'Index Scan' } }],
        rollback: { sql: 'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created' },
        troubleshoot: ['relation-exists'],
      },
      { id: 'analyze', title: 'Analyze messages', sql: 'ANALYZE messages', skippable: true },
      { id: 'purge', title: 'Purge old rows', sql: 'DELETE FROM messages', danger: true },
      { id: 'shell', title: 'Record the migration', shell: 'echo done' },
    ],
    troubleshooting: [
      { id: 'relation-exists', title: 'Migration fails with "relation already exists"', match: { sqlstate: '42P07' }, cause: 'The migration was partly applied before.', fix: { explain: 'Drop the half-built index.', sql: 'DROP INDEX IF EXISTS idx_messages_user_created' } },
      { id: 'advice', title: 'Check the application logs', cause: 'Sometimes it is the app.' },
    ],
    checklist: ['Application logs show no database errors', 'Dashboards are green'],
    ...extra,
  });
  return { ...data, file: '/x/demo.yaml', dir: '/x', sqlFiles: new Map(Object.entries(sqlFiles)) };
}

export const NOW = Date.UTC(2026, 0, 1, 3, 0, 0);

export function makeUi(rb: Runbook = makeRunbook(), size = { columns: 80, rows: 24 }): UiState {
  return initialState({ runbook: rb, now: NOW, size, targetHint: 'postgres://postgres@127.0.0.1:5432/appdb' });
}

/** Feeds run events through the engine and into the screen's state. */
export function events(ui: UiState, ...list: RunEvent[]): UiState {
  let state = ui;
  for (const event of list) state = update(state, { type: 'run', state: reduce(state.run, event), event }).state;
  return state;
}

export function started(ui: UiState): UiState {
  return events(ui, { type: 'inputs_set', inputs: { user_id: 1, label: null }, at: NOW }, { type: 'target_pinned', target, at: NOW });
}

export function pass(ui: UiState, key: string): UiState {
  return events(ui, { type: 'item_started', key, at: NOW }, { type: 'item_finished', key, verdicts: [{ label: 'ok', ok: true, expected: 'x', actual: 'x' }], durationMs: 12, at: NOW });
}

/** Every prerequisite passed: the run is at the first step. */
export function atSteps(ui: UiState = makeUi()): UiState {
  return pass(pass(started(ui), 'prerequisite:pg-version'), 'prerequisite:backup');
}

export function apply(ui: UiState, ...intents: Intent[]): { state: UiState; effects: Effect[] } {
  let state = ui;
  const effects: Effect[] = [];
  for (const intent of intents) {
    // As the controller does: a scroll carries the step view's geometry, measured by the view.
    const r = update(state, intent.type === 'scroll' && !intent.view ? { ...intent, view: detailGeometry(state) } : intent);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string): string => s.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '');

/** Asserts a frame fits the terminal: at most `rows` lines, none wider than `columns`. */
export function frameProblems(frame: string, columns: number, rows: number): string[] {
  const lines = stripAnsi(frame).split('\n');
  const problems: string[] = [];
  if (lines.length > rows) problems.push(`${lines.length} lines for ${rows} rows`);
  lines.forEach((l, i) => {
    if (displayColumns(l) > columns) problems.push(`line ${i + 1} is ${displayColumns(l)} columns wide: ${l}`);
  });
  if (/undefined|NaN|\[object Object\]/.test(frame)) problems.push('a value leaked: undefined, NaN or [object Object]');
  return problems;
}

/**
 * A terminal for the painter (src/tui/paint.ts) to draw on: it applies what is
 * written — row moves, clears, text — to its rows, so a test reads the screen
 * as a terminal would show it after the painter's writes, changed rows only.
 */
export interface PaintedTerminal {
  isTTY: boolean;
  write(text: string): boolean;
  /** The screen as text (styles removed, each row's trailing spaces trimmed). */
  screen(): string;
  /** The rows with their escape codes, as written. */
  raw(): string[];
  writes: string[];
}

export function paintedTerminal(rows = 24): PaintedTerminal {
  let shown: string[] = Array.from({ length: rows }, () => '');
  const writes: string[] = [];
  return {
    isTTY: true,
    writes,
    write(text: string) {
      writes.push(text);
      let row = 0;
      // eslint-disable-next-line no-control-regex
      for (const m of text.matchAll(/\u001B\[(\d+);1H|\u001B\[2J|\u001B\[K|\u001B\[\?\d+[hl]|[^\u001B]+|\u001B\[[0-9;]*m/g)) {
        if (m[1] !== undefined) {
          row = Number(m[1]) - 1;
          shown[row] = '';
        } else if (m[0] === '\u001B[2J') shown = shown.map(() => '');
        else if (m[0] === '\u001B[K' || m[0].startsWith('\u001B[?')) continue;
        else shown[row] += m[0];
      }
      return true;
    },
    screen: () =>
      shown
        .map((r) => stripAnsi(r).trimEnd())
        .join('\n')
        .replace(/\n+$/, ''),
    raw: () => [...shown],
  };
}
