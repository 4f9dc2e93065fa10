// `runbook show` on the screen, as lines: the header, the list of items, the
// selected item's window, the footer and the help. It also measures the
// detail (showGeometry) for the scroll intents the store is handed.
import { blank, fit, lineWidth, plain, seg, styled, type Line } from '../line.js';
import { oneLine, truncate } from '../text.js';
import { listWidthFor } from '../views/layout.js';
import { windowLines } from '../views/window.js';
import { KEYS, type Footer } from '../views/footer.js';
import { padColumns } from '../../present/width.js';
import { heading, itemLines, RISK_TONE, wrapped } from './content.js';
import type { ShowGeometry, ShowState } from './store.js';

export const SHOW_HEADER = 2;
export const SHOW_FOOTER = 2;

export interface ShowFrame {
  width: number;
  height: number;
  listWidth: number;
  mainWidth: number;
  bodyHeight: number;
}

export function showFrame(s: ShowState): ShowFrame {
  const width = Math.max(30, s.size.columns);
  const height = Math.max(8, s.size.rows - 1);
  const listWidth = listWidthFor(width);
  return { width, height, listWidth, mainWidth: listWidth > 0 ? width - listWidth - 1 : width, bodyHeight: height - SHOW_HEADER - SHOW_FOOTER };
}

/** The detail of the selected item and the window over it (the last row is kept for a scroll marker when it overflows). */
export function detailWindow(s: ShowState): { lines: Line[]; top: number; height: number } {
  const f = showFrame(s);
  const lines = itemLines(s.runbook, s.items[s.selected], f.mainWidth);
  const height = lines.length > f.bodyHeight ? f.bodyHeight - 1 : f.bodyHeight;
  const top = Math.max(0, Math.min(s.top, lines.length - height));
  return { lines, top, height };
}

/** The detail's geometry, handed to the store with a scroll intent. */
export function showGeometry(s: ShowState): ShowGeometry {
  const w = detailWindow(s);
  return { total: w.lines.length, height: w.height };
}

export function showHeaderLines(s: ShowState, width: number): Line[] {
  const rb = s.runbook;
  const bar = { inverse: true };
  const right: Line = [seg(' risk ', bar), seg(rb.risk.toUpperCase(), { tone: RISK_TONE[rb.risk], bold: true, ...bar }), seg(rb.estimate ? ` · est ${truncate(oneLine(rb.estimate), Math.max(4, Math.floor(width / 6)))} ` : ' ', bar)];
  const room = Math.max(0, width - lineWidth(right));
  const left = fit([seg(` ${oneLine(rb.title)}`, { bold: true, ...bar })], room, true).map((x) => ({ ...x, ...bar }));
  const second: Line = [seg('READ-ONLY', { tone: 'accent', bold: true }), seg(` · nothing runs, no database is contacted · item ${s.selected + 1} of ${s.items.length}`, { tone: 'muted' })];
  return [fit([...left, ...right], width), fit(second, width)];
}

export function showListLines(s: ShowState, width: number, height: number): Line[] {
  if (width <= 0 || height <= 0) return [];
  const all: Line[] = [];
  let at = 0;
  let n = 0;
  for (const row of s.rows) {
    if (row.type === 'heading') {
      all.push(fit(plain(row.text, { bold: true, tone: 'muted' }), width));
      continue;
    }
    const i = n++;
    const mark = row.item.kind === 'procedure' ? '↺ ' : row.indent ? '  · ' : '';
    let line: Line = fit([seg(i === s.selected ? '▸' : ' ', { tone: 'accent', bold: true }), seg(mark, { tone: 'muted' }), seg(oneLine(row.item.title), row.item.kind === 'procedure' ? { bold: true } : {})], width, i === s.selected);
    if (i === s.selected) {
      at = all.length;
      line = styled(line, { inverse: true });
    }
    all.push(line);
  }
  return windowLines(all, at, width, height);
}

export function showDetailLines(s: ShowState, width: number): Line[] {
  const w = detailWindow(s);
  const out = w.lines.slice(w.top, w.top + w.height);
  if (w.lines.length > w.height) {
    while (out.length < w.height) out.push([]);
    const end = Math.min(w.lines.length, w.top + w.height);
    const where = end >= w.lines.length ? 'end' : `${Math.round((end / w.lines.length) * 100)}% · PgDn for more`;
    out.push(plain(`── ${w.top + 1}–${end} of ${w.lines.length} lines (${where}) ${'─'.repeat(width)}`.slice(0, width), { tone: 'muted' }));
  }
  return out;
}

export function showFooter(s: ShowState): Footer {
  return { keys: s.help ? [{ key: '? Esc', label: 'close' }] : [KEYS.items, KEYS.scroll, { key: 'Home/End', label: 'first/last' }, KEYS.help, { key: 'q', label: 'quit' }] };
}

export function showHelpLines(width: number): Line[] {
  const rows: [string, string][] = [
    ['↑ ↓  j k', 'the previous / next item'],
    ['Home End  g G', 'the first / last item'],
    ['PgUp PgDn  u d  Space', 'scroll the item a page'],
    ['[ ]', 'scroll a line'],
    ['q  Esc', 'leave'],
  ];
  const out: Line[] = [heading('Keys — read-only view'), blank];
  for (const [k, what] of rows) out.push([seg(padColumns(`  ${k}`, 24), { tone: 'accent', bold: true }), seg(what)]);
  out.push(blank, ...wrapped('Nothing here runs or connects. To run this runbook: runbook run FILE (add --sandbox to try it on a throwaway database).', width, { tone: 'muted' }));
  return out.map((l) => fit(l, width));
}
