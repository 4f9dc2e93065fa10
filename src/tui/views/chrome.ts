// The footer (the keys that work right now, or a short message) and the
// help overlay (every key).
import { fit, plain, seg, type Line } from '../line.js';
import { isBusy, quitLabel, type UiState } from '../state.js';
import { oneLine, wrap } from '../text.js';
import { isPicking, isTyping } from '../keys.js';
import { waitingFor } from '../../present/approval.js';
import { KEYS, type Footer, type KeyHint } from './footer.js';
import { padColumns } from '../../present/width.js';

/** The run screen's footer (the operator's, or a watcher's): the keys that work right now, or a message in their place. */
export function runFooter(ui: UiState): Footer {
  if (ui.observer) return watcherFooter(ui, ui.observer);
  if (ui.flash) return { message: ui.flash, keys: [] };
  if (isPicking(ui)) return { keys: [KEYS.help, { key: 'q', label: quitLabel(ui) }] };
  if (isTyping(ui)) return { keys: [{ key: '←→ Home End', label: 'move in the field' }, { key: 'Ctrl-U', label: 'clear' }, { key: 'Ctrl-C', label: 'quit (the run’s record is kept)' }, KEYS.scroll] };
  // The run waits for a second person: say for what, and that q stops waiting.
  const waiting = ui.prompt ? undefined : waitingFor(ui.run);
  if (waiting) return { lead: { text: `waits for ${oneLine(waiting)} · `, tone: 'warn', bold: true }, keys: [{ key: 'q', label: quitLabel(ui, 'stop waiting') }] };
  const keys: KeyHint[] = [KEYS.help];
  if (isBusy(ui)) keys.push({ key: 'Ctrl-C', label: 'cancel statement' });
  if (!ui.prompt || ui.prompt.kind === 'confirm' || (ui.prompt.kind === 'blocked' && ui.prompt.mode === 'menu')) keys.push({ key: 'q', label: ui.finished ? 'leave' : 'quit' });
  keys.push(KEYS.items, KEYS.scroll);
  if (ui.selected !== null) keys.push({ key: 'f', label: 'follow the run' });
  return { keys };
}

/** A watcher's footer: what the watched run waits for (if it does), whose run it is, and the keys that only move around. */
function watcherFooter(ui: UiState, observer: NonNullable<UiState['observer']>): Footer {
  const keys: KeyHint[] = [{ key: 'q Esc', label: observer.leave ?? 'leave (the run goes on)' }, KEYS.items, KEYS.scroll, ...(ui.selected !== null ? [{ key: 'f', label: 'follow' }] : [])];
  const lead = observer.waiting && !ui.finished ? { text: `waits for ${oneLine(observer.waiting)} · `, tone: 'warn' as const, bold: true } : { text: `${oneLine(observer.text)} · `, tone: 'muted' as const };
  return { lead, keys };
}

/** The keys that answer the question on screen right now: the first part of the help. */
function hereKeys(ui: UiState): Array<[string, string]> {
  const p = ui.prompt;
  if (!p) return []; // the general keys below are the ones that work
  switch (p.kind) {
    case 'next':
      return [['Enter', 'run this step (the screen stops again before the next one)'], ['a', 'run on by itself until a step that needs a decision (destructive, lock-taking) or a failure'], ['q', 'stop here; resume later']];
    case 'confirm':
      return [['y', 'yes: it is true / done (recorded as your answer)'], ['n', 'no: the item fails'], ['q', 'quit without answering; resume asks again']];
    case 'fix':
      return [['y', 'run the troubleshooting fix'], ['n  Esc', 'back to the blocked step']];
    case 'danger':
    case 'inputs':
      return [['letters', 'are typed into the field (no shortcut works while typing)'], ['← → Home End', 'move the cursor; Ctrl-A / Ctrl-E the ends'], ['Backspace Delete', 'erase before / under the cursor'], ['Ctrl-U', 'clear the field'], ['Enter', p.kind === 'danger' ? 'run the step if the name matches' : 'next field, then start'], ['Esc', p.kind === 'danger' ? 'refuse the step (it is recorded as not run)' : 'do not run']];
    case 'blocked':
      if (p.mode === 'skip') return [['letters', 'are typed into the reason'], ['← → Home End', 'move the cursor'], ['Enter', 'skip with this reason'], ['Esc', 'back']];
      if (p.mode === 'rollback') return [['y', 'run the step’s rollback; the run ends'], ['n  Esc', 'back']];
      if (p.mode === 'troubleshoot') return [['↑↓ Enter', 'choose an entry; run its fix (asks first)'], ['Esc', 'back']];
      return []; // the section on a blocked run below
  }
}

const HELP: Array<[string, string] | string> = [
  'Moving around',
  ['↑↓ j k Home End', 'look at another item in the list (or the first / last)'],
  ['f', 'follow the run again (show the current item)'],
  ['PgUp PgDn u d [ ]', 'scroll the step view (a page, a line)'],
  ['?  p  Esc', 'this help · the undo plan of this run · close'],
  'When the run is blocked (a check failed)',
  ['r', 'retry the item'],
  ['t', 'troubleshooting that matches: this error first; run a fix (asks first)'],
  ['b', 'roll the step back (when it ran something; the run ends)'],
  ['s', 'skip with a typed reason (where the runbook allows it)'],
  ['q', 'quit: the run’s record is kept so it can be resumed'],
  'Questions',
  ['y  n', 'answer a confirmation (prerequisite, checklist, fix)'],
  ['type, Enter', 'the database name before a destructive step; inputs'],
  ['Tab  Esc  Ctrl-U', 'next field · refuse or go back · clear a field'],
  'While something runs',
  ['Ctrl-C', 'cancel the statement on the server (step: interrupted)'],
  ['q', 'stop after the running step finishes'],
];

export function helpLines(width: number, recordNote = '', ui?: UiState): Line[] {
  const keyWidth = 20;
  const out: Line[] = [[seg('Keys', { bold: true, underline: true }), seg(recordNote ? `   ${recordNote}` : '', { tone: 'muted' })]];
  const here = ui ? hereKeys(ui) : [];
  const rows: Array<[string, string] | string> = here.length ? ['Here, now', ...here, ...HELP] : HELP;
  for (const h of rows) {
    if (typeof h === 'string') out.push(plain(h, { tone: 'muted', bold: true }));
    else out.push([seg(padColumns(`  ${h[0]}`, keyWidth), { tone: 'accent', bold: true }), seg(h[1])]);
  }
  return out.map((l) => fit(l, width));
}

/** What undoing this run would run, newest first: the run's record works it out, the screen shows it. */
export function planViewLines(ui: UiState, width: number): Line[] {
  const out: Line[] = [plain('Undo plan — what rolling this run back would run, newest first', { bold: true, underline: true })];
  if (ui.recordNote) out.push(plain(ui.recordNote, { tone: 'muted' }));
  out.push([]);
  if (ui.plan.length === 0) out.push(plain('No undo plan is known for this run.', { tone: 'muted' }));
  ui.plan.forEach((p, i) => {
    out.push([seg(`${padColumns(String(i + 1), 2, 'right')}. `, { tone: 'muted' }), seg(oneLine(p.title), { bold: true }), seg(` [${p.id}]`, { tone: 'muted' })]);
    for (const l of wrap(oneLine(p.undo, 400), Math.max(10, width - 6)).slice(0, 3)) out.push([seg('      '), seg(l, { dim: true })]);
  });
  return out.map((l) => fit(l, width));
}
