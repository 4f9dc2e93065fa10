// What can happen to the screen (intents: from the session, the clock and the
// keys) and what the screen asks its controller to do in return (effects).
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import type { MonitorSample } from '../exec/postgres/monitor.js';
import type { TextEdit } from './fields.js';
import type { Tone } from './line.js';
import type { Answers, DetailGeometry, Pace, Prompt, UiState } from './state.js';

export type ScrollBy = number | 'page_up' | 'page_down' | 'top' | 'bottom';

export type Intent =
  // from the session and the clock
  | { type: 'run'; state: RunState; event: RunEvent }
  /** The session exists now (maybe resumed from a journal): its state replaces the preview. */
  | { type: 'attach'; state: RunState }
  | { type: 'prompt'; prompt: Prompt }
  | { type: 'finished'; state: RunState }
  | { type: 'monitor'; key: string; sample: MonitorSample | null; note?: string }
  | { type: 'tick'; now: number }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'flash'; text: string; tone?: Tone }
  | { type: 'pace'; pace: Pace }
  /** Watching: what the watched run waits for now (an approval, the operator), or nothing. */
  | { type: 'watching'; waiting?: string }
  // from keys
  | { type: 'select'; delta: number }
  | { type: 'select_edge'; edge: 'first' | 'last' }
  | { type: 'follow' }
  /** `view`: the step view's geometry as measured by the view (the controller adds it). */
  | { type: 'scroll'; by: ScrollBy; view?: DetailGeometry }
  | { type: 'help'; open?: boolean }
  | { type: 'plan'; open?: boolean }
  | TextEdit
  | { type: 'field'; delta: number }
  | { type: 'submit' }
  | { type: 'cancel' }
  | { type: 'yes' }
  | { type: 'no' }
  | { type: 'retry' }
  | { type: 'troubleshoot' }
  | { type: 'rollback' }
  | { type: 'skip' }
  | { type: 'run_all' }
  | { type: 'highlight_fix'; index: number }
  | { type: 'choose_fix'; entryId: string }
  | { type: 'quit' }
  | { type: 'ctrl_c' };

export type Effect =
  | { type: 'answer'; id: number; value: Answers[keyof Answers] }
  /** Cancel the running statement on the server. */
  | { type: 'interrupt' }
  /** Ask the session to stop at the next boundary between items. */
  | { type: 'stop' }
  | { type: 'exit' }
  /** Leave now, even though a cancel has not come back. */
  | { type: 'force_exit' };

export interface Update {
  state: UiState;
  effects: Effect[];
}
