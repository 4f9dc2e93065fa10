// The picker's lines: pure functions of its state, fitted to a width; and the
// list's geometry, measured here and handed to the reducer with a page intent.
import { fit, lineWidth, plain, seg, type Line, type Tone } from '../line.js';
import { oneLine, truncate } from '../text.js';
import { windowTop } from '../views/window.js';
import type { Footer } from '../views/footer.js';
import { pickerEntries, selectedIndex, type PickerEntry, type PickerGeometry, type PickerState } from './model.js';

/** Rows around the list: the header, the filter line, the rule over the list, the two selection lines and the footer. */
export const PICKER_CHROME = 6;

/** The list as drawn at the state's terminal size: the rows it has for entries. */
export function pickerGeometry(s: PickerState): PickerGeometry {
  return { height: Math.max(3, Math.max(8, s.size.rows - 1) - PICKER_CHROME - 1) };
}

/** The window of entries on view: keeps the selection in sight, about a third of the way down. */
export function pickerWindow(s: PickerState, entries = pickerEntries(s)): { top: number; height: number } {
  const { height } = pickerGeometry(s);
  const at = selectedIndex(s, entries);
  return { top: windowTop(entries.length, at, height), height };
}

const RISK_TONE: Record<string, Tone> = { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' };

/** Left and right parts on one line; the left one gives way. */
function spread(left: Line, right: Line, width: number): Line {
  const r = fit(right, Math.max(0, Math.floor(width * 0.5)));
  const l = fit(left, Math.max(0, width - lineWidth(r) - 1));
  return fit([...l, seg(' '.repeat(Math.max(1, width - lineWidth(l) - lineWidth(r)))), ...r], width);
}

/** One row of the list: a runbook (title · risk · estimate · tags), or a procedure indented beneath it. */
export function entryLine(e: PickerEntry, width: number): Line {
  const r = e.runbook;
  if (e.live) return spread([seg(' ● LIVE ', { tone: 'warn', bold: true }), seg(oneLine(e.live.title), { bold: true })], [seg(`${e.live.operator} · run ${e.live.runId}`, { tone: 'muted' })], width);
  if (e.kind === 'procedure' && e.procedure) {
    return spread([seg('   ↺ ', { tone: 'accent' }), seg(oneLine(e.procedure.title))], [seg(e.procedure.id, { tone: 'muted' })], width);
  }
  const title = [seg(oneLine(r.title ?? r.id ?? r.file), { bold: true, ...(e.matched ? {} : { dim: true }) })];
  if (r.error) return spread(title, [seg('✗ does not load', { tone: 'bad', bold: true })], width);
  const right: Line = [seg((r.risk ?? '?').toUpperCase(), { tone: RISK_TONE[r.risk ?? ''] ?? 'muted', bold: true })];
  if (r.estimate) right.push(seg(` · ${truncate(oneLine(r.estimate), 12)}`, { tone: 'muted' }));
  if (r.tags.length) right.push(seg(` · ${r.tags.map((t) => `#${t}`).join(' ')}`, { tone: 'muted' }));
  return spread(title, right, width);
}

export function pickerHeaderLine(s: PickerState, width: number): Line {
  const procs = s.runbooks.reduce((n, r) => n + r.procedures.length, 0);
  const bar = { inverse: true };
  const right = ` ${s.runbooks.length} runbook${s.runbooks.length === 1 ? '' : 's'} · ${procs} procedure${procs === 1 ? '' : 's'} `;
  const left = ' runbook — choose a runbook or a procedure';
  const gap = Math.max(1, width - left.length - right.length);
  return fit([seg(left, { bold: true, ...bar }), seg(' '.repeat(gap), bar), seg(right, bar)], width);
}

export function filterLine(s: PickerState, width: number): Line {
  const n = pickerEntries(s).length;
  if (!s.filter && !s.typing) return fit(plain('Type to filter by id, title, tag or procedure (/ or any letter but v, q, j, k).', { tone: 'muted' }), width);
  const line: Line = [seg('Filter: ', { bold: true }), seg(s.filter, { tone: 'accent', bold: true })];
  if (s.typing) line.push(seg('█', { tone: 'accent' }));
  line.push(seg(`   ${n} match${n === 1 ? '' : 'es'}`, { tone: 'muted' }));
  if (!s.typing) line.push(seg(' · Esc clears', { tone: 'muted' }));
  return fit(line, width);
}

/** Two lines about the selected entry: where it is, and everything the row had to cut. */
export function selectionLines(s: PickerState, width: number): Line[] {
  const entries = pickerEntries(s);
  const e = entries[selectedIndex(s, entries)];
  if (!e) return [fit(plain(s.filter ? `Nothing matches “${s.filter}”.` : 'No runbooks found in ./runbooks or RUNBOOK_PATH.', { tone: 'warn' }), width), []];
  const r = e.runbook;
  if (e.live) {
    return [
      fit([seg(`live run ${e.live.runId}`, { bold: true }), seg(` of ${e.live.runbookId} by ${oneLine(e.live.operator)} on ${oneLine(e.live.target)}`, { tone: 'muted' })], width),
      fit(plain(`Enter watches it, read-only (runbook watch ${e.live.runId})`, { tone: 'muted' }), width),
    ];
  }
  if (r.error) return [fit(plain(`${r.file} does not load:`, { tone: 'bad', bold: true }), width), fit(plain(oneLine(r.error), { tone: 'bad' }), width)];
  if (e.kind === 'procedure' && e.procedure) {
    return [
      fit([seg('procedure ', { tone: 'muted' }), seg(e.procedure.id, { bold: true }), seg(` of ${oneLine(r.title ?? r.id ?? '')}`, { tone: 'muted' })], width),
      fit(plain(`runbook run ${r.file} --procedure ${e.procedure.id}`, { tone: 'muted' }), width),
    ];
  }
  return [
    fit([seg(r.id ?? '?', { bold: true }), seg(` · ${r.file} · ${r.procedures.length} procedure${r.procedures.length === 1 ? '' : 's'}`, { tone: 'muted' })], width),
    fit(plain(`risk ${r.risk ?? '?'}${r.estimate ? ` · estimate ${oneLine(r.estimate)}` : ''}${r.tags.length ? ` · tags: ${r.tags.join(', ')}` : ''}`, { tone: 'muted' }), width),
  ];
}

export function pickerFooter(s: PickerState): Footer {
  if (s.message) return { message: { text: s.message, tone: 'warn' }, keys: [] };
  const choose = { key: '↑↓', label: 'choose' };
  const run = { key: 'Enter', label: 'run' };
  return {
    keys: s.typing
      ? [{ key: 'type', label: 'filter' }, choose, run, { key: 'Esc', label: 'done typing' }]
      : [choose, run, { key: 'v', label: 'read (no database)' }, { key: '/', label: 'filter' }, { key: 'q', label: 'quit' }],
  };
}
