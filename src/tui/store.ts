// The one pure function that changes the screen's state: `update(state,
// intent)` returns the next state and the effects the controller must carry
// out (answer a question, cancel the running statement, leave): each kind of
// intent is handled where it belongs (run-events, prompts, navigate, leave).
// Nothing here does I/O, reads a clock or measures the screen: a scroll
// intent carries the geometry the view measured.
import { ctrlC, quit } from './leave.js';
import { scroll, select } from './navigate.js';
import { onRunEvent } from './run-events.js';
import { flash, none, promptIntent } from './prompts.js';
import type { Intent, Update } from './intents.js';
import { askedKey, type UiState } from './state.js';

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
    case 'select_edge':
      return none(select(state, intent));
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
    case 'cancel':
      // Esc leaves a watch too (back to the fleet view, when that opened it).
      if (state.observer) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
      return promptIntent(state, intent);
    default:
      // A watcher has no question to answer: nothing it types acts on the run.
      if (state.observer) return none(state);
      return promptIntent(state, intent);
  }
}
