// A troubleshooting entry in full: what it matches, the likely cause, and
// the fix it would run (which always asks before running).
import { highlightSql } from '../highlight.js';
import { fit, plain, seg, wrapLine, type Line } from '../line.js';
import { hasFixAction } from '../state.js';
import type { TroubleshootingEntry } from '../../runbook/schema.js';
import { markdownLines } from './detail.js';
import { matchWords, OTHER_KNOWN } from '../../present/troubleshoot.js';
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
