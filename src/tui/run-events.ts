// What a run event changes on the screen besides the run state it carries:
// the statement in progress, the result tables kept for the step view, the
// monitor, a pending cancel, and the message after a troubleshooting fix.
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import { currentKey, type TableView, type UiState } from './state.js';
import { clean, truncate } from './text.js';

export const TABLE_ROWS_SHOWN = 10;
const TABLES_KEPT = 5;
const CELL_CHARS = 60;

export function onRunEvent(state: UiState, run: RunState, event: RunEvent): UiState {
  // Events carry the session's clock; the screen's never lags behind it.
  let next: UiState = { ...state, run, now: Math.max(state.now, event.at) };
  const key = 'key' in event ? event.key : null;
  switch (event.type) {
    case 'item_output': {
      const item = run.items.find((i) => i.key === event.key);
      // The burst's lines are the item's last ones: the event at j is this many lines from the end.
      const lineAfter = item ? item.outputDropped + item.output.length : 0;
      event.events.forEach((e, j) => {
        if (e.type === 'statement_started') {
          next.statements = { ...next.statements, [event.key]: { index: e.index, total: e.total, line: e.line, text: e.text, startedAt: event.at } };
        } else if (e.type === 'statement_finished') {
          next.statements = omit(next.statements, event.key);
        } else if (e.type === 'rows' && item) {
          const table: TableView = {
            line: lineAfter - (event.events.length - j),
            columns: e.columns.map((c) => truncate(clean(c), CELL_CHARS)),
            rows: e.rows.slice(0, TABLE_ROWS_SHOWN).map((r) => r.map(cellText)),
            total: e.total,
          };
          next.tables = { ...next.tables, [event.key]: [...(next.tables[event.key] ?? []), table].slice(-TABLES_KEPT) };
        }
      });
      break;
    }
    case 'item_started':
      next.statements = omit(state.statements, event.key);
      break;
    case 'item_finished':
    case 'item_interrupted':
    case 'item_confirmed':
    case 'item_skipped':
    case 'item_rolled_back':
    case 'fix_finished':
      next.statements = omit(state.statements, event.key);
      if (state.monitor?.key === event.key) next.monitor = null;
      if (event.type === 'item_interrupted' || event.type === 'item_finished' || event.type === 'fix_finished') {
        if (state.cancelling !== null) next.flash = null;
        next.cancelling = null;
      }
      if (event.type === 'fix_finished') {
        next.flash = event.ok
          ? { text: `The fix “${event.entryId}” ran. Press r to retry the step.`, tone: 'ok', at: next.now }
          : { text: `The fix “${event.entryId}” failed — see the output. Retry, try another entry, or quit.`, tone: 'bad', at: next.now };
      }
      break;
    case 'run_ended':
      next = { ...next, monitor: null, cancelling: null, statements: {} };
      break;
    default:
      break;
  }
  // A followed view jumps to the new current item from its top (or tail).
  if (state.selected === null && key !== null && currentKey(state) !== currentKey(next)) next.detailTop = null;
  return next;
}

function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _gone, ...rest } = record;
  return rest;
}

/** A value as psql shows it, on one line, bounded. */
export function cellText(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = 'NULL';
  else if (typeof value === 'boolean') text = value ? 't' : 'f';
  else if (value instanceof Uint8Array) text = `\\x${Buffer.from(value.subarray(0, 32)).toString('hex')}${value.length > 32 ? '…' : ''}`;
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return truncate(clean(text.replace(/\n/g, '\\n')), CELL_CHARS);
}
