// What a run event changes on the screen besides the run state it carries:
// the statement in progress, the monitor, a pending cancel, and the message
// after a troubleshooting fix. (Result sets stay in the run state, as the
// engine keeps them; the step view draws them with src/present/table.ts.)
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import { currentKey, type UiState } from './state.js';

export function onRunEvent(state: UiState, run: RunState, event: RunEvent): UiState {
  // Events carry the session's clock; the screen's never lags behind it.
  let next: UiState = { ...state, run, now: Math.max(state.now, event.at) };
  const key = 'key' in event ? event.key : null;
  switch (event.type) {
    case 'item_output': {
      event.events.forEach((e) => {
        if (e.type === 'statement_started') {
          next.statements = { ...next.statements, [event.key]: { index: e.index, total: e.total, line: e.line, text: e.text, startedAt: event.at } };
        } else if (e.type === 'statement_finished') {
          next.statements = omit(next.statements, event.key);
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
