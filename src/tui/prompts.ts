// How the operator's intents answer the question on screen: one small
// reducer per kind of question. Text fields (inputs, the database name, a
// skip's reason) all edit through fields.ts, so they behave alike.
import type { Answers, Prompt, UiState } from './state.js';
import { findItem, hasFixAction, stepOf } from './state.js';
import { editField, validateField, type TextEdit, type TextField } from './fields.js';
import type { Effect, Intent, Update } from './intents.js';
import type { Tone } from './line.js';
import { ranSomething } from '../engine/plan.js';

export const none = (state: UiState): Update => ({ state, effects: [] });

export function flash(state: UiState, text: string, tone: Tone = 'warn'): UiState {
  return { ...state, flash: { text, tone, at: state.now } };
}

export function answer<K extends keyof Answers>(state: UiState, id: number, value: Answers[K], extra: Partial<UiState> = {}, effects: Effect[] = []): Update {
  return { state: { ...state, prompt: null, ...extra }, effects: [{ type: 'answer', id, value }, ...effects] };
}

/** The operator is looking at another item than the one the question is about. */
function lookingAway(state: UiState, key: string | null): boolean {
  return key !== null && state.selected !== null && state.selected !== key;
}

/** y or n while looking elsewhere: not taken as the answer; the view goes back to the item asked about. */
function lookBack(state: UiState, key: string): UiState {
  const title = findItem(state, key)?.title ?? key;
  return flash({ ...state, selected: null, detailTop: null }, `Not answered: the question is about “${title}”, shown now. Read it, then press y or n.`, 'warn');
}

function withPrompt(state: UiState, prompt: Prompt): UiState {
  return { ...state, prompt };
}

/** The intent as an edit of a text field, or null when it is not one. */
function textEdit(intent: Intent): TextEdit | null {
  switch (intent.type) {
    case 'type':
    case 'erase':
    case 'erase_forward':
    case 'clear_field':
    case 'cursor':
      return intent;
    default:
      return null;
  }
}

function edited(text: string, cursor: number | undefined, edit: TextEdit): TextField {
  return editField({ text, cursor: Math.min(text.length, cursor ?? text.length) }, edit);
}

export function promptIntent(state: UiState, intent: Intent): Update {
  const p = state.prompt;
  if (!p) {
    if (state.finished && (intent.type === 'submit' || intent.type === 'cancel')) return { state: { ...state, exit: true }, effects: [{ type: 'exit' }] };
    if (intent.type === 'cancel' && (state.help || state.showPlan)) return none({ ...state, help: false, showPlan: false });
    return none(state);
  }
  switch (p.kind) {
    case 'inputs':
      return inputsIntent(state, p, intent);
    case 'confirm':
      if ((intent.type === 'yes' || intent.type === 'no') && lookingAway(state, p.key)) return none(lookBack(state, p.key!));
      if (intent.type === 'yes') return answer<'confirm'>(state, p.id, true);
      if (intent.type === 'no' || intent.type === 'cancel') return answer<'confirm'>(state, p.id, false);
      return none(state);
    case 'fix':
      if ((intent.type === 'yes' || intent.type === 'no') && lookingAway(state, p.key)) return none(lookBack(state, p.key!));
      if (intent.type === 'yes') return answer<'fix'>(state, p.id, true);
      if (intent.type === 'no' || intent.type === 'cancel') return answer<'fix'>(state, p.id, false);
      return none(state);
    case 'danger':
      return dangerIntent(state, p, intent);
    case 'blocked':
      return blockedIntent(state, p, intent);
    case 'next':
      if (intent.type === 'submit') return answer<'next'>(state, p.id, 'run', { pace: 'guided' });
      if (intent.type === 'run_all') return answer<'next'>(state, p.id, 'run', { pace: 'to_decision' });
      return none(state);
  }
}

function inputsIntent(state: UiState, p: Extract<Prompt, { kind: 'inputs' }>, intent: Intent): Update {
  const edit = textEdit(intent);
  if (edit) {
    const fields = p.fields.map((f, i) => {
      if (i !== p.focus) return f;
      const next = edited(f.value, f.cursor, edit);
      return validateField({ ...f, value: next.text, cursor: next.cursor });
    });
    return none(withPrompt(state, { ...p, fields }));
  }
  switch (intent.type) {
    case 'field': {
      const n = p.fields.length;
      return none(withPrompt(state, { ...p, focus: n === 0 ? 0 : (p.focus + intent.delta + n) % n }));
    }
    case 'submit': {
      const fields = p.fields.map(validateField);
      const bad = fields.findIndex((f) => f.problem !== null);
      if (bad >= 0) return none(flash(withPrompt(state, { ...p, fields, focus: bad }), `Fix ${fields[bad].name} first: ${fields[bad].problem}`, 'bad'));
      // Enter on a field that is not the last moves on, so a form can be walked with Enter alone.
      if (p.focus < fields.length - 1) return none(withPrompt(state, { ...p, fields, focus: p.focus + 1 }));
      const values: Record<string, string> = {};
      for (const f of fields) if (f.value !== '') values[f.name] = f.value;
      return answer<'inputs'>(state, p.id, values);
    }
    case 'cancel':
      return answer<'inputs'>(state, p.id, null, { quitting: true }, [{ type: 'stop' }]);
    default:
      return none(state);
  }
}

function dangerIntent(state: UiState, p: Extract<Prompt, { kind: 'danger' }>, intent: Intent): Update {
  const edit = textEdit(intent);
  if (edit) {
    const next = edited(p.typed, p.cursor, edit);
    return none(withPrompt(state, { ...p, typed: next.text, cursor: next.cursor, mismatch: false }));
  }
  switch (intent.type) {
    case 'submit':
      if (p.typed === p.database) return answer<'danger'>(state, p.id, true);
      return none(withPrompt(state, { ...p, mismatch: true }));
    case 'cancel':
      return answer<'danger'>(state, p.id, false);
    default:
      return none(state);
  }
}

function blockedIntent(state: UiState, p: Extract<Prompt, { kind: 'blocked' }>, intent: Intent): Update {
  const item = findItem(state, p.key);
  const step = stepOf(state, item);
  const mode = (m: Extract<Prompt, { kind: 'blocked' }>['mode'], extra: Partial<typeof p> = {}) => none(withPrompt(state, { ...p, mode: m, ...extra }));
  if (p.mode === 'skip') {
    const edit = textEdit(intent);
    if (edit) {
      const next = edited(p.reason, p.cursor, edit.type === 'type' ? { type: 'type', text: edit.text.replace(/[\r\n]/g, ' ') } : edit);
      return mode('skip', { reason: next.text, cursor: next.cursor });
    }
    switch (intent.type) {
      case 'submit':
        if (!p.reason.trim()) return none(flash(state, 'A skip needs a reason: type why this step is skipped (it goes into the run’s record).', 'bad'));
        return answer<'blocked'>(state, p.id, { type: 'skip', reason: p.reason.trim() });
      case 'cancel':
        return mode('menu', { reason: '', cursor: 0 });
      default:
        return none(state);
    }
  }
  if (p.mode === 'rollback') {
    if (intent.type === 'yes') return answer<'blocked'>(state, p.id, { type: 'rollback' });
    if (intent.type === 'no' || intent.type === 'cancel') return mode('menu');
    return none(state);
  }
  if (p.mode === 'troubleshoot') {
    switch (intent.type) {
      case 'highlight_fix':
        return mode('troubleshoot', { highlighted: Math.max(0, Math.min(p.entries.length - 1, intent.index)) });
      case 'choose_fix': {
        const entry = p.entries.find((e) => e.id === intent.entryId);
        if (!entry) return none(state);
        if (!hasFixAction(entry)) return none(flash(state, `“${entry.title}” has no fix to run: it is advice. Read its cause, act, then press r to retry.`, 'warn'));
        return answer<'blocked'>(state, p.id, { type: 'fix', entryId: entry.id }, { detailTop: null });
      }
      case 'cancel':
        return mode('menu');
      default:
        return none(state);
    }
  }
  switch (intent.type) {
    case 'retry':
      return answer<'blocked'>(state, p.id, { type: 'retry' }, { detailTop: null });
    case 'troubleshoot':
      if (p.entries.length === 0) return none(flash(state, 'No troubleshooting entry of this runbook matches this failure, and the step lists no known problems.', 'warn'));
      return mode('troubleshoot', { highlighted: 0 });
    case 'skip':
      if (!item?.skippable) return none(flash(state, 'This step may not be skipped: the runbook does not allow it.', 'bad'));
      return mode('skip', { reason: '', cursor: 0 });
    case 'rollback':
      if (!step?.rollback) return none(flash(state, 'This step has no rollback in the runbook. Retry, troubleshoot, or quit and resume later.', 'warn'));
      if (!rollbackApplies(item)) return none(flash(state, 'Nothing to roll back: this step ran nothing (it was refused or never started). Retry, skip, or quit and resume later.', 'warn'));
      return mode('rollback');
    default:
      return none(state);
  }
}

/** The screen offers [b] only for a step that ran something (engine/plan.ts decides, for every command alike). */
export function rollbackApplies(item: ReturnType<typeof findItem>): boolean {
  return !!item && ranSomething(item);
}
