// A troubleshooting entry in full: what it matches, the likely cause, and
// the fix it would run (which always asks before running); and the list of
// entries to pick one from.
import { highlightSql } from '../highlight.js';
import { fit, plain, seg, wrapLine, type Line } from '../line.js';
import { hasFixAction } from '../state.js';
import type { TroubleshootingEntry } from '../../runbook/schema.js';
import { markdownLines } from './detail.js';
import { isMatch, matchWords, OTHER_KNOWN, troubleshootingSummary } from '../../present/troubleshoot.js';
import type { PromptBody } from '../state.js';
import { oneLine, lines as splitLines } from '../text.js';

export function entryLines(entry: TroubleshootingEntry | undefined, sqlFiles: ReadonlyMap<string, string>, width: number, matches = true): Line[] {
  if (!entry) return [];
  const out: Line[] = [plain(entry.title, { bold: true })];
  if (!matches) out.push(...wrapLine(plain(`One of the ${OTHER_KNOWN}: it does not match this failure.`, { tone: 'warn' }), width));
  const criteria = matchWords(entry);
  if (criteria) out.push(...wrapLine([seg('for: ', { tone: 'muted' }), seg(oneLine(criteria), { tone: 'muted' })], width));
  if (entry.cause) {
    out.push([], plain('Cause', { bold: true, underline: true }), ...markdownLines(entry.cause, width));
  }
  const fix = entry.fix;
  if (fix) {
    out.push([], plain('Fix', { bold: true, underline: true }));
    if (fix.explain) out.push(...markdownLines(fix.explain, width));
    if (hasFixAction(entry)) {
      const sql = fix.sql ?? (fix.sql_file ? sqlFiles.get(fix.sql_file) : undefined);
      if (sql !== undefined) out.push(plain(fix.sql_file ? `It runs SQL from ${fix.sql_file}:` : 'It runs:', { tone: 'muted', bold: true }), ...highlightSql(sql.replace(/\s+$/, '')).flatMap((l) => wrapLine(l, Math.max(10, width - 2)).map((piece) => [seg('  '), ...piece])));
      else if (fix.shell !== undefined) out.push(plain('It runs:', { tone: 'muted', bold: true }), ...splitLines(fix.shell.replace(/\s+$/, '')).map((l) => [seg('$ ', { tone: 'accent' }), seg(l)]));
      out.push(plain(fix.confirm === false ? 'Runs as soon as it is chosen.' : 'You are asked before it runs.', { tone: 'muted' }));
    }
  } else out.push([], plain('No fix to run: this entry is advice. Act on it, then retry (r).', { tone: 'muted' }));
  return out.map((l) => fit(l, width));
}

type PickerPrompt = Pick<Extract<PromptBody, { kind: 'blocked' }>, 'entries' | 'matched' | 'highlighted'>;

/** How many entries the list shows at once: at most 5, and a third of the pane. */
export function pickerLimit(count: number, height: number): number {
  return Math.max(1, Math.min(count, 5, Math.floor(height / 3)));
}

/** The first entry the list shows: the highlighted one is always in view. */
export function pickerTop(count: number, highlighted: number, limit: number): number {
  return Math.max(0, Math.min(highlighted - limit + 1, count - limit));
}

/**
 * The troubleshooting entries for a failure, to pick one: a list over the full
 * text of the highlighted entry. The entries that match the failure come
 * first; the step's other known problems follow, each marked as such so it is
 * not read as the diagnosis. The keys that move and choose are keys.ts's.
 */
export function pickerLines(p: PickerPrompt, sqlFiles: ReadonlyMap<string, string>, width: number, height: number): Line[] {
  const { entries, highlighted } = p;
  const help = { entries, matched: p.matched };
  const limit = pickerLimit(entries.length, height);
  const top = pickerTop(entries.length, highlighted, limit);
  // Wrapped, at most two lines: the count of other known problems must not be cut off.
  const title = wrapLine(plain(`Troubleshooting — ${troubleshootingSummary(help)}`, { bold: true, underline: true }), width).slice(0, 2).map((l) => fit(l, width));
  const items = entries.slice(top, top + limit).map((e, k) => {
    const selected = top + k === highlighted;
    const label = `${hasFixAction(e) ? 'fix ' : 'info'} · ${isMatch(help, top + k) ? '' : 'other known problem · '}${e.title}`;
    return fit([seg(selected ? '› ' : '  ', { tone: 'accent', bold: true }), seg(label, selected ? { bold: true, inverse: true } : {})], width);
  });
  const detailHeight = Math.max(0, height - limit - title.length - 1);
  const detail = entryLines(entries[highlighted], sqlFiles, width, isMatch(help, highlighted)).slice(0, detailHeight);
  return [...title, ...items, fit(plain('─'.repeat(width), { tone: 'muted' }), width), ...detail].slice(0, height);
}
