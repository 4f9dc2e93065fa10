// The one pure function that changes the screen's state: `update(state,
// intent)` returns the next state and the effects the controller must carry
// out (answer a question, cancel the running statement, leave). Nothing here
// does I/O, reads a clock or measures the screen: a scroll intent carries
// the geometry the view measured.
import { onRunEvent } from './run-events.js';
import { answer, flash, none, promptIntent } from './prompts.js';
import type { Effect, Intent, ScrollBy, Update } from './intents.js';
import { askedKey, questionKey, runningItem, viewedKey, type DetailGeometry, type UiState } from './state.js';

/** After this long, a second Ctrl-C while a cancel is still pending leaves at once. */
export const FORCE_EXIT_AFTER_MS = 3000;

export function update(state: UiState, intent: Intent): Update {
  switch (intent.type) {
    case 'run': {
      const next = onRunEvent(state, intent.state, intent.event);
      // A watched run that ended and was resumed (elsewhere) is live again.
      return none(state.observer && state.finished && !intent.state.ended ? { ...next, finished: false } : next);
    }
    case 'attach':
      return none({ ...state, run: intent.state, detailTop: null });
    case 'prompt': {
      const next: UiState = { ...state, prompt: intent.prompt, help: false, showPlan: false };
      // A confirmation shows its own item: the view follows again, from that item's top.
      if (askedKey(next) !== null) return none({ ...next, selected: null, detailTop: null });
      return none(state.selected === null ? { ...next, detailTop: null } : next);
    }
    case 'finished': {
      const next: UiState = { ...state, run: intent.state, finished: true, prompt: null, monitor: null, cancelling: null, statements: {} };
      return next.quitting ? { state: { ...next, exit: true }, effects: [{ type: 'exit' }] } : none(next);
    }
    case 'monitor':
      return none({ ...state, monitor: intent.sample ? { key: intent.key, sample: intent.sample } : null, ...(intent.note ? { monitorNote: intent.note } : {}) });
    case 'tick':
      return none({ ...state, now: intent.now, flash: state.flash && intent.now - state.flash.at > 8000 ? null : state.flash });
    case 'resize':
      return none({ ...state, size: { columns: Math.max(20, intent.columns), rows: Math.max(8, intent.rows) } });
    case 'flash':
      return none(flash(state, intent.text, intent.tone));
    case 'pace':
      return none({ ...state, pace: intent.pace });
    case 'select':
    case 'select_edge': {
      if (questionKey(state) !== null) return none(flash(state, 'The step view shows the step being confirmed: answer the question (or Esc) first.', 'warn'));
      const items = state.run.items;
      let next;
      if (intent.type === 'select') {
        const keys = items.map((i) => i.key);
        const at = keys.indexOf(viewedKey(state) ?? '');
        next = keys[Math.min(keys.length - 1, Math.max(0, at + intent.delta))];
      } else next = (intent.edge === 'first' ? items[0] : items[items.length - 1])?.key;
      return none({ ...state, selected: next ?? null, detailTop: null });
    }
    case 'follow':
      return none({ ...state, selected: null, detailTop: null });
    case 'scroll':
      return none(intent.view ? scroll(state, intent.by, intent.view) : state);
    case 'help':
      return none({ ...state, help: intent.open ?? !state.help, showPlan: false });
    case 'plan':
      return none({ ...state, showPlan: intent.open ?? !state.showPlan, help: false });
    case 'watching':
      return none(state.observer ? { ...state, observer: { ...state.observer, waiting: intent.waiting } } : state);
    case 'ctrl_c':
    case 'quit':
      // A watcher leaves; the run it watches is someone else's and goes on.
      if (state.observer) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
      return intent.type === 'ctrl_c' ? ctrlC(state) : quit(state);
    default:
      // A watcher has no question to answer: nothing it types acts on the run.
      if (state.observer) return none(state);
      return promptIntent(state, intent);
  }
}

function scroll(state: UiState, by: ScrollBy, g: DetailGeometry): UiState {
  const max = Math.max(0, g.total - g.height);
  if (by === 'bottom') return { ...state, detailTop: null };
  if (by === 'top') return { ...state, detailTop: 0 };
  const page = Math.max(1, g.height - 1);
  const delta = by === 'page_up' ? -page : by === 'page_down' ? page : by;
  const top = Math.min(max, Math.max(0, g.top + delta));
  // Reaching the end while the view follows the tail resumes following.
  if (top >= max && g.followsTail) return { ...state, detailTop: null };
  return { ...state, detailTop: top };
}

function ctrlC(state: UiState): Update {
  if (state.finished) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
  if (state.prompt) return quit(state, true);
  if (runningItem(state)) {
    if (state.cancelling !== null && state.now - state.cancelling >= FORCE_EXIT_AFTER_MS) {
      return { state: { ...state, exit: true }, effects: [{ type: 'force_exit' }] };
    }
    const next = flash({ ...state, cancelling: state.cancelling ?? state.now }, 'Cancelling the running statement on the server…', 'warn');
    return { state: next, effects: [{ type: 'interrupt' }] };
  }
  return quit(state, true);
}

/** q (or Ctrl-C at a question): stop the run where it is, keeping its record so it can be resumed. */
function quit(state: UiState, force = false): Update {
  if (state.finished) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
  const p = state.prompt;
  const quitting = { quitting: true };
  const stop: Effect[] = [{ type: 'stop' }];
  if (!p) {
    if (runningItem(state) && !force) {
      return { state: flash({ ...state, ...quitting }, 'Will stop after the running step finishes. Ctrl-C cancels it now.', 'warn'), effects: stop };
    }
    return { state: flash({ ...state, ...quitting }, 'Stopping…', 'warn'), effects: stop };
  }
  // In a text field, q is a letter; only Ctrl-C (force) quits from there.
  const typing = p.kind === 'inputs' || p.kind === 'danger' || (p.kind === 'blocked' && p.mode === 'skip');
  if (typing && !force) return none(state);
  switch (p.kind) {
    case 'inputs':
      return answer<'inputs'>(state, p.id, null, quitting, stop);
    case 'confirm':
    case 'danger':
    case 'fix':
      return answer<'confirm'>(state, p.id, false, quitting, stop);
    case 'blocked':
      return answer<'blocked'>(state, p.id, { type: 'quit' }, quitting, stop);
    case 'next':
      return answer<'next'>(state, p.id, 'quit', quitting);
  }
}
