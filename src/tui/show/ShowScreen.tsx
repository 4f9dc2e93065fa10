// The read-only view on the screen: header, the list of every item on the
// left, the selected item in full on the right, the keys at the bottom. It
// draws the state and turns keys into intents; it never runs anything.
import React, { useMemo, useRef, useState } from 'react';
import { useInput, useStdout } from 'ink';
import type { Runbook } from '../../runbook/load.js';
import { Frame } from '../components/Frame.js';
import { ThemeContext } from '../components/Lines.js';
import { useResize } from '../components/useResize.js';
import { makeTheme } from '../theme.js';
import { initialShowState, showKey, updateShow, type ShowIntent, type ShowState } from './store.js';
import { showDetailLines, showFooter, showFrame, showGeometry, showHeaderLines, showHelpLines, showListLines } from './view.js';
import { footerLine } from '../views/footer.js';

export interface ShowScreenProps {
  runbook: Runbook;
  /** Called when the operator leaves the view. */
  onQuit(): void;
  /** Start on this item (a ShowItem key, e.g. "procedure:emergency-rollback"). */
  selectKey?: string;
  /** A fixed size (tests); otherwise the terminal's, followed as it changes. */
  size?: { columns: number; rows: number };
  color?: boolean;
}

export function ShowView({ state }: { state: ShowState }) {
  const f = showFrame(state);
  const header = showHeaderLines(state, f.width);
  const footer = [footerLine(showFooter(state), f.width)];
  if (state.help) return <Frame width={f.width} height={f.height} header={header} bodyHeight={f.bodyHeight} main={showHelpLines(f.width)} footer={footer} />;
  const list = { lines: showListLines(state, f.listWidth, f.bodyHeight), width: f.listWidth };
  return <Frame width={f.width} height={f.height} header={header} bodyHeight={f.bodyHeight} list={list} mainWidth={f.mainWidth} main={showDetailLines(state, f.mainWidth)} footer={footer} />;
}

export function ShowScreen({ runbook, onQuit, selectKey, size, color = true }: ShowScreenProps) {
  const { stdout } = useStdout();
  const start = size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  // The latest state, read by the key handler: keys that arrive together must each see the one before.
  const latest = useRef<ShowState | null>(null);
  latest.current ??= initialShowState(runbook, start, selectKey);
  const [state, setState] = useState(latest.current);
  const quit = useRef(onQuit);
  quit.current = onQuit;
  const left = useRef(false);
  const dispatch = (intent: ShowIntent) => {
    if (left.current || !latest.current) return;
    // A scroll carries the detail's geometry as drawn: the store measures nothing.
    const r = updateShow(latest.current, intent.type === 'scroll' ? { ...intent, view: showGeometry(latest.current) } : intent);
    latest.current = r.state;
    if (r.quit) {
      left.current = true;
      quit.current();
    } else setState(r.state);
  };
  useInput((input, key) => {
    const intent = latest.current ? showKey(latest.current, input, key) : null;
    if (intent) dispatch(intent);
  });
  useResize((terminal) => dispatch({ type: 'resize', ...terminal }), !size);
  const theme = useMemo(() => makeTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      <ShowView state={state} />
    </ThemeContext.Provider>
  );
}
