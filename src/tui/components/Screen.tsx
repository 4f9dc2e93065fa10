// The whole screen, drawn from the UiState alone: header, step list, the
// main pane (step view, inputs form, troubleshooting, or help), the question
// panel and the footer. It dispatches intents; it never runs anything.
import React from 'react';
import { Box } from 'ink';
import { fit, plain, seg, type Line } from '../line.js';
import type { Intent } from '../intents.js';
import { findItem, viewedKey, type UiState } from '../state.js';
import { isPicking } from '../keys.js';
import { footerLine, helpLines, planViewLines } from '../views/chrome.js';
import { detailParts } from '../views/detail.js';
import { formLines } from '../views/form.js';
import { placeDetail } from '../views/geometry.js';
import { headerLines } from '../views/header.js';
import { frameOf, HEADER_LINES } from '../views/layout.js';
import { listLines } from '../views/list.js';
import { LinesView } from './Lines.js';
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
  const rule = fit(plain('─'.repeat(width), { tone: 'muted' }), width);
  const footer = [footerLine(ui, width)];

  if (ui.help || ui.showPlan) {
    const height = frame.height - HEADER_LINES - 2;
    const lines = ui.help ? helpLines(width, ui.recordNote, ui) : planViewLines(ui, width);
    const close = ui.help ? '[?] or [Esc] ' : '[p] or [Esc] ';
    return (
      <Box flexDirection="column" width={width} height={frame.height}>
        <LinesView lines={header} width={width} height={HEADER_LINES} />
        <LinesView lines={lines} width={width} height={height} />
        <LinesView lines={[rule]} width={width} />
        <LinesView lines={[fit([seg(close, { tone: 'accent', bold: true }), seg(ui.help ? 'close this help' : 'close the undo plan')], width)]} width={width} />
      </Box>
    );
  }

  const body = frame.bodyHeight;
  const p = ui.prompt;
  let main: React.ReactNode;
  if (p?.kind === 'inputs') main = <LinesView lines={formLines(p, mainWidth, body)} width={mainWidth} height={body} />;
  else if (p?.kind === 'blocked' && p.mode === 'troubleshoot' && p.entries.length > 0)
    main = <TroubleshootPicker entries={p.entries} matched={p.matched} highlighted={p.highlighted} sqlFiles={ui.runbook.sqlFiles} width={mainWidth} height={body} focused={isPicking(ui)} dispatch={dispatch} />;
  else main = <LinesView lines={stepViewLines(ui, mainWidth, body)} width={mainWidth} height={body} />;

  return (
    <Box flexDirection="column" width={width} height={frame.height}>
      <LinesView lines={header} width={width} height={HEADER_LINES} />
      <Box flexDirection="row" width={width} height={body} flexShrink={0}>
        {listWidth > 0 ? <LinesView lines={listLines(ui, listWidth, body)} width={listWidth} height={body} /> : null}
        {listWidth > 0 ? <LinesView lines={Array.from({ length: body }, () => [seg('│', { tone: 'muted' })])} width={1} height={body} /> : null}
        <Box width={mainWidth} height={body} flexShrink={0} overflow="hidden">
          {main}
        </Box>
      </Box>
      <LinesView lines={[rule]} width={width} />
      {frame.panel.length > 0 ? <LinesView lines={frame.panel} width={width} /> : null}
      <LinesView lines={footer} width={width} />
    </Box>
  );
}
