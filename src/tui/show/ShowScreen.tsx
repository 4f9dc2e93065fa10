// The read-only view on the screen: header, the list of every item on the
// left, the selected item in full on the right, the keys at the bottom. It
// draws the state and turns keys into intents; it never runs anything.
import React, { useMemo, useRef, useState } from 'react';
import { Box, useInput, useStdout } from 'ink';
import type { Runbook } from '../../runbook/load.js';
import { LinesView, ThemeContext } from '../components/Lines.js';
import { useResize } from '../components/useResize.js';
import { fit, plain, seg } from '../line.js';
import { makeTheme } from '../theme.js';
import {
  initialShowState,
  showDetailLines,
  showFooterLine,
  showFrame,
  showHeaderLines,
  showHelpLines,
  showKey,
  showListLines,
  updateShow,
  type ShowIntent,
  type ShowState,
} from './model.js';

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
  const rule = fit(plain('─'.repeat(f.width), { tone: 'muted' }), f.width);
  const header = showHeaderLines(state, f.width);
  const footer = showFooterLine(state, f.width);
  if (state.help) {
    return (
      <Box flexDirection="column" width={f.width} height={f.height}>
        <LinesView lines={header} width={f.width} height={2} />
        <LinesView lines={showHelpLines(f.width)} width={f.width} height={f.bodyHeight} />
        <LinesView lines={[rule, footer]} width={f.width} height={2} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={f.width} height={f.height}>
      <LinesView lines={header} width={f.width} height={2} />
      <Box flexDirection="row" width={f.width} height={f.bodyHeight} flexShrink={0}>
        {f.listWidth > 0 ? <LinesView lines={showListLines(state, f.listWidth, f.bodyHeight)} width={f.listWidth} height={f.bodyHeight} /> : null}
        {f.listWidth > 0 ? <LinesView lines={Array.from({ length: f.bodyHeight }, () => [seg('│', { tone: 'muted' })])} width={1} height={f.bodyHeight} /> : null}
        <LinesView lines={showDetailLines(state, f.mainWidth)} width={f.mainWidth} height={f.bodyHeight} />
      </Box>
      <LinesView lines={[rule, footer]} width={f.width} height={2} />
    </Box>
  );
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
    const r = updateShow(latest.current, intent);
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
