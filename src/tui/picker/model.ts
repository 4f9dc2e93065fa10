// The picker: every runbook found, with its named procedures beneath it, a
// filter typed as text, and a selection. A pure reducer (state + intent →
// state, and what the operator chose); the component only draws it.
//
// Keys: letters type into the filter, except where they are commands. While
// the list has the focus, `v` reads the selection, `q` quits, and any other
// printable key starts (or continues) the filter; `/` also starts it. While
// typing, every printable key is text; ↑↓ and Enter still work, Esc ends the
// typing (a second Esc clears the filter).
//
// Like the run screen's store and show's, it imports no view: a page intent
// carries the list's height as the view measured it (view.ts pickerGeometry).
import type { DiscoveredRunbook } from '../../runbook/discover.js';
import type { KeyInfo } from '../keys.js';

/** A run going on now (from the shared record of the configured database): opening it watches it. */
export interface PickerLiveRun {
  runId: string;
  runbookId: string;
  title: string;
  file: string;
  operator: string;
  target: string;
}

export interface PickerEntry {
  key: string;
  kind: 'runbook' | 'procedure' | 'live';
  /** For a live run: the run. */
  live?: PickerLiveRun;
  runbook: DiscoveredRunbook;
  procedure?: { id: string; title: string };
  /** It matched the filter itself (not only shown as the parent of a procedure that did). */
  matched: boolean;
}

/** What the operator chose: a run of a runbook or of one of its procedures, or the read-only view. */
export interface PickerChoice {
  file: string;
  procedure?: string;
  view?: boolean;
  /** Watch this live run (runbook watch), read-only. */
  watch?: string;
}

export interface PickerState {
  runbooks: DiscoveredRunbook[];
  /** Runs going on now, listed first. */
  live: PickerLiveRun[];
  filter: string;
  typing: boolean;
  /** Key of the selected entry. */
  selected: string | null;
  /** A short message for the footer (e.g. why a runbook cannot be opened). */
  message: string | null;
  size: { columns: number; rows: number };
}

export type PickerIntent =
  | { type: 'move'; delta: number }
  /** A page of the list up (-1) or down (1); `view`: the rows the list has, as the view measured them. */
  | { type: 'page'; delta: -1 | 1; view?: PickerGeometry }
  | { type: 'edge'; edge: 'first' | 'last' }
  | { type: 'type'; text: string }
  | { type: 'backspace' }
  | { type: 'clear' }
  | { type: 'start_typing' }
  | { type: 'stop_typing' }
  | { type: 'open' }
  | { type: 'view' }
  | { type: 'quit' }
  | { type: 'resize'; columns: number; rows: number };

/** The list as drawn: how many rows of entries it shows (view.ts pickerGeometry). */
export interface PickerGeometry {
  height: number;
}

export type PickerOutcome = { type: 'chosen'; choice: PickerChoice } | { type: 'quit' };

export function initialPickerState(runbooks: DiscoveredRunbook[], o: { filter?: string; selected?: string | null; size?: { columns: number; rows: number }; live?: PickerLiveRun[] } = {}): PickerState {
  const base: PickerState = { runbooks, live: o.live ?? [], filter: o.filter ?? '', typing: false, selected: null, message: null, size: o.size ?? { columns: 80, rows: 24 } };
  const entries = pickerEntries(base);
  const keep = o.selected && entries.some((e) => e.key === o.selected) ? o.selected : bestMatch(entries);
  return { ...base, selected: keep };
}

function runbookText(r: DiscoveredRunbook): string {
  return [r.id, r.title, r.risk, r.estimate, ...r.tags, r.file.split('/').pop()].filter(Boolean).join(' ').toLowerCase();
}

function procedureText(p: { id: string; title: string }): string {
  return `${p.id} ${p.title} procedure`.toLowerCase();
}

function terms(filter: string): string[] {
  return filter.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * The entries the filter leaves, in order. Every word of the filter must
 * appear in the runbook's id, title, risk, estimate, tags or file name — or,
 * for a procedure, in those or the procedure's own id and title. A runbook
 * whose procedure matches stays listed above it.
 */
export function pickerEntries(s: Pick<PickerState, 'runbooks' | 'filter'> & { live?: PickerLiveRun[] }): PickerEntry[] {
  const words = terms(s.filter);
  const all = (text: string) => words.every((w) => text.includes(w));
  const out: PickerEntry[] = [];
  for (const l of s.live ?? []) {
    if (!all(`live ${l.runId} ${l.runbookId} ${l.title} ${l.operator}`.toLowerCase())) continue;
    const runbook = s.runbooks.find((r) => r.id === l.runbookId) ?? { file: l.file, id: l.runbookId, title: l.title, tags: [], procedures: [] };
    out.push({ key: `live:${l.runId}`, kind: 'live', live: l, runbook, matched: true });
  }
  for (const r of s.runbooks) {
    const own = runbookText(r);
    const rbMatched = all(own);
    const procs = r.procedures.map((p) => ({ p, matched: all(`${own} ${procedureText(p)}`) }));
    if (!rbMatched && !procs.some((x) => x.matched)) continue;
    out.push({ key: r.file, kind: 'runbook', runbook: r, matched: rbMatched });
    for (const { p, matched } of procs) if (matched) out.push({ key: `${r.file}#${p.id}`, kind: 'procedure', runbook: r, procedure: p, matched: true });
  }
  return out;
}

/** Where the selection goes when the filter changes: the first entry that matched by its own words. */
function bestMatch(entries: PickerEntry[]): string | null {
  return (entries.find((e) => e.matched) ?? entries[0])?.key ?? null;
}

export function selectedIndex(s: PickerState, entries = pickerEntries(s)): number {
  return Math.max(0, entries.findIndex((e) => e.key === s.selected));
}

function refilter(s: PickerState, filter: string): PickerState {
  const next = { ...s, filter, message: null };
  return { ...next, selected: bestMatch(pickerEntries(next)) };
}

export function updatePicker(s: PickerState, intent: PickerIntent): { state: PickerState; outcome?: PickerOutcome } {
  const entries = pickerEntries(s);
  const current = entries[selectedIndex(s, entries)];
  switch (intent.type) {
    case 'resize':
      return { state: { ...s, size: { columns: intent.columns, rows: intent.rows } } };
    case 'move':
    case 'page': {
      if (entries.length === 0) return { state: s };
      // A page keeps one row of the last page in sight; without a measured list there is no page to move by.
      const delta = intent.type === 'move' ? intent.delta : intent.view ? intent.delta * Math.max(1, intent.view.height - 1) : 0;
      const i = Math.max(0, Math.min(entries.length - 1, selectedIndex(s, entries) + delta));
      return { state: { ...s, selected: entries[i].key, message: null } };
    }
    case 'edge':
      if (entries.length === 0) return { state: s };
      return { state: { ...s, selected: entries[intent.edge === 'first' ? 0 : entries.length - 1].key, message: null } };
    case 'type':
      return { state: refilter({ ...s, typing: true }, s.filter + intent.text) };
    case 'backspace':
      return { state: refilter(s, s.filter.slice(0, -1)) };
    case 'clear':
      return { state: { ...refilter(s, ''), typing: false, selected: s.selected } };
    case 'start_typing':
      return { state: { ...s, typing: true, message: null } };
    case 'stop_typing':
      return { state: { ...s, typing: false } };
    case 'quit':
      return { state: s, outcome: { type: 'quit' } };
    case 'open':
    case 'view': {
      if (!current) return { state: { ...s, message: s.filter ? `Nothing matches “${s.filter}”. Backspace or Esc to change the filter.` : 'No runbooks found.' } };
      // A live run is someone's: opening it (or reading it) watches it.
      if (current.live) return { state: s, outcome: { type: 'chosen', choice: { file: current.live.file, watch: current.live.runId } } };
      const r = current.runbook;
      if (r.error) return { state: { ...s, message: `${r.file} does not load: runbook validate ${r.file}` } };
      if (intent.type === 'view') return { state: s, outcome: { type: 'chosen', choice: { file: r.file, view: true, ...(current.procedure ? { procedure: current.procedure.id } : {}) } } };
      return { state: s, outcome: { type: 'chosen', choice: { file: r.file, ...(current.procedure ? { procedure: current.procedure.id } : {}) } } };
    }
  }
}

/** A key as Ink reports it; tests give only the fields that matter. */
export type PickerKey = Partial<KeyInfo>;

/** Keys to intents: a pure function of the state and the key. */
export function pickerKey(s: PickerState, input: string, key: PickerKey): PickerIntent | null {
  if (key.ctrl && input === 'c') return { type: 'quit' };
  if (key.ctrl && input === 'u') return { type: 'clear' };
  if (key.upArrow) return { type: 'move', delta: -1 };
  if (key.downArrow) return { type: 'move', delta: 1 };
  if (key.pageUp) return { type: 'page', delta: -1 };
  if (key.pageDown) return { type: 'page', delta: 1 };
  if (key.home) return { type: 'edge', edge: 'first' };
  if (key.end) return { type: 'edge', edge: 'last' };
  if (key.return) return { type: 'open' };
  if (key.backspace || key.delete) return s.filter ? { type: 'backspace' } : null;
  if (key.escape) {
    if (s.typing) return { type: 'stop_typing' };
    return s.filter ? { type: 'clear' } : { type: 'quit' };
  }
  if (key.tab) return s.typing ? { type: 'stop_typing' } : { type: 'start_typing' };
  if (key.ctrl || key.meta || !input) return null;
  const text = input.replace(/[\u0000-\u001F\u007F]/g, '');
  if (!text) return null;
  if (!s.typing) {
    if (text === 'v') return { type: 'view' };
    if (text === 'q') return { type: 'quit' };
    if (text === '/') return { type: 'start_typing' };
    if (text === 'j') return { type: 'move', delta: 1 };
    if (text === 'k') return { type: 'move', delta: -1 };
    if (text === ' ') return null;
  }
  return { type: 'type', text };
}
