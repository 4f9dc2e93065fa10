// The whole run screen as rows, from the UiState alone: header, step list,
// the main pane (step view, inputs form, troubleshooting, or help), the
// question panel and the footer. Exactly one row per terminal line the
// screen uses, each exactly as wide as the terminal: what the painter
// (paint.ts) draws, and what the Ink component (components/Screen.tsx) shows.
import { fit, seg, type Line } from '../line.js';
import { findItem, viewedKey, type UiState } from '../state.js';
import { helpLines, planViewLines, runFooter } from './chrome.js';
import { footerLine } from './footer.js';
import { detailParts } from './detail.js';
import { formLines } from './form.js';
import { frameLines } from './frame.js';
import { placeDetail } from './geometry.js';
import { headerLines } from './header.js';
import { frameOf, HEADER_LINES } from './layout.js';
import { listLines } from './list.js';
import { pickerLines } from './troubleshoot.js';

/** The step view's lines for the space it has: the pinned part, a window over the rest, and a scroll marker. */
export function stepViewLines(ui: UiState, width: number, height: number): Line[] {
  const parts = detailParts(ui, findItem(ui, viewedKey(ui)), width);
  const pinned = parts.pinned.slice(0, Math.max(0, height - 2));
  const rows = height - pinned.length;
  const g = placeDetail(parts.body.length, rows, ui.detailTop, parts.followsTail);
  const shown = parts.body.slice(g.top, g.top + g.height);
  const out = [...pinned, ...shown];
  if (g.total > rows) {
    while (out.length < pinned.length + g.height) out.push([]);
    const end = Math.min(g.total, g.top + g.height);
    const where = g.top + g.height >= g.total ? 'end' : `${Math.round((end / g.total) * 100)}%`;
    const follow = ui.detailTop === null && g.followsTail ? ' · following' : ui.detailTop !== null && g.followsTail ? ' · End follows' : '';
    out.push(fit([seg(`── ${g.top + 1}–${end} of ${g.total} lines (${where})${follow} `, { tone: 'muted' }), seg('─'.repeat(width), { tone: 'muted' })], width));
  }
  return out;
}

export function screenLines(ui: UiState): Line[] {
  const frame = frameOf(ui);
  const { width, listWidth, mainWidth } = frame;
  const header = headerLines(ui, width);
  if (ui.help || ui.showPlan) {
    const lines = ui.help ? helpLines(width, ui.recordNote, ui) : planViewLines(ui, width);
    const close = ui.help ? '[?] or [Esc] ' : '[p] or [Esc] ';
    const footer = [fit([seg(close, { tone: 'accent', bold: true }), seg(ui.help ? 'close this help' : 'close the undo plan')], width)];
    return frameLines({ width, height: frame.height, header, bodyHeight: frame.height - HEADER_LINES - 2, main: lines, footer });
  }
  const body = frame.bodyHeight;
  const p = ui.prompt;
  const list = { lines: listLines(ui, listWidth, body), width: listWidth };
  const footer = [...frame.panel, footerLine(runFooter(ui), width)];
  const main =
    p?.kind === 'blocked' && p.mode === 'troubleshoot' && p.entries.length > 0
      ? pickerLines(p, ui.runbook.sqlFiles, mainWidth, body)
      : p?.kind === 'inputs'
        ? formLines(p, mainWidth, body)
        : stepViewLines(ui, mainWidth, body);
  return frameLines({ width, height: frame.height, header, bodyHeight: body, list, mainWidth, main, footer });
}
