// Leaving the run screen: q stops the run where it is (after the running step,
// keeping its record for resume); Ctrl-C cancels the running statement on the
// server, and a second Ctrl-C while that cancel hangs leaves at once.
import type { Effect, Update } from './intents.js';
import { answer, flash, none } from './prompts.js';
import { runningItem, type UiState } from './state.js';

/** After this long, a second Ctrl-C while a cancel is still pending leaves at once. */
export const FORCE_EXIT_AFTER_MS = 3000;

export function ctrlC(state: UiState): Update {
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
export function quit(state: UiState, force = false): Update {
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
