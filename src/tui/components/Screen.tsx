// The whole screen, drawn from the UiState alone: header, step list, the
// main pane (step view, inputs form, troubleshooting, or help), the question
// panel and the footer. It dispatches intents; it never runs anything.
import React from 'react';
import { fit, seg, type Line } from '../line.js';
import type { Intent } from '../intents.js';
import { findItem, viewedKey, type UiState } from '../state.js';
import { isPicking } from '../keys.js';
import { helpLines, planViewLines, runFooter } from '../views/chrome.js';
import { footerLine } from '../views/footer.js';
import { detailParts } from '../views/detail.js';
import { formLines } from '../views/form.js';
import { placeDetail } from '../views/geometry.js';
import { headerLines } from '../views/header.js';
import { frameOf, HEADER_LINES } from '../views/layout.js';
import { listLines } from '../views/list.js';
import { Frame } from './Frame.js';
import { TroubleshootPicker } from './TroubleshootPicker.js';

export interface ScreenProps {
  ui: UiState;
  dispatch(intent: Intent): void;
}

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

export function Screen({ ui, dispatch }: ScreenProps) {
  const frame = frameOf(ui);
  const { width, listWidth, mainWidth } = frame;
  const header = headerLines(ui, width);

  if (ui.help || ui.showPlan) {
    const lines = ui.help ? helpLines(width, ui.recordNote, ui) : planViewLines(ui, width);
    const close = ui.help ? '[?] or [Esc] ' : '[p] or [Esc] ';
    const footer = [fit([seg(close, { tone: 'accent', bold: true }), seg(ui.help ? 'close this help' : 'close the undo plan')], width)];
    return <Frame width={width} height={frame.height} header={header} bodyHeight={frame.height - HEADER_LINES - 2} main={lines} footer={footer} />;
  }

  const body = frame.bodyHeight;
  const p = ui.prompt;
  const list = { lines: listLines(ui, listWidth, body), width: listWidth };
  const footer = [...frame.panel, footerLine(runFooter(ui), width)];
  if (p?.kind === 'blocked' && p.mode === 'troubleshoot' && p.entries.length > 0) {
    return (
      <Frame width={width} height={frame.height} header={header} bodyHeight={body} list={list} mainWidth={mainWidth} footer={footer}>
        <TroubleshootPicker entries={p.entries} matched={p.matched} highlighted={p.highlighted} sqlFiles={ui.runbook.sqlFiles} width={mainWidth} height={body} focused={isPicking(ui)} dispatch={dispatch} />
      </Frame>
    );
  }
  const main = p?.kind === 'inputs' ? formLines(p, mainWidth, body) : stepViewLines(ui, mainWidth, body);
  return <Frame width={width} height={frame.height} header={header} bodyHeight={body} list={list} mainWidth={mainWidth} main={main} footer={footer} />;
}
