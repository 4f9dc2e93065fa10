// The fleet on the screen: it draws what the control database last said and
// turns keys into intents. Data comes in through `source` (the command follows
// the control database); the screen never queries anything itself.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, useInput, useStdout } from 'ink';
import type { RunState } from '../../engine/state.js';
import type { FleetRow, TargetRow } from '../../fleet/control.js';
import { LinesView, ThemeContext } from '../components/Lines.js';
import { useResize } from '../components/useResize.js';
import { makeTheme } from '../theme.js';
import { fleetKey, initialFleetView, updateFleetView, type FleetIntent, type FleetViewState } from './model.js';
import { fleetLines } from './view.js';

export interface FleetSource {
  /** Calls back with every change; returns how to stop. */
  subscribe(update: (fleet: FleetRow, targets: TargetRow[]) => void): () => void;
  /** A target's run, read-only, from its journal (undefined when it is not on this machine). */
  readRun(runId: string): RunState | undefined;
}

export interface FleetScreenProps {
  fleet: FleetRow;
  targets: TargetRow[];
  source: FleetSource;
  onQuit(): void;
  size?: { columns: number; rows: number };
  color?: boolean;
  clock?: () => number;
}

export function FleetScreen({ fleet, targets, source, onQuit, size, color = true, clock = Date.now }: FleetScreenProps) {
  const { stdout } = useStdout();
  const latest = useRef<FleetViewState | null>(null);
  latest.current ??= initialFleetView(fleet, targets, size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 }, clock());
  const [state, setState] = useState(latest.current);
  const dispatch = (intent: FleetIntent) => {
    if (!latest.current) return;
    let next = updateFleetView(latest.current, intent);
    // An open run is read again from its journal whenever its target changes.
    if (next.open && (intent.type === 'open' || intent.type === 'update')) {
      const t = next.targets.find((x) => x.name === next.open!.target);
      next = updateFleetView(next, { type: 'run', target: next.open.target, run: t?.runId ? source.readRun(t.runId) : undefined });
    }
    latest.current = next;
    setState(next);
  };
  useEffect(() => source.subscribe((f, t) => dispatch({ type: 'update', fleet: f, targets: t, now: clock() })), [source]);
  useInput((input, key) => {
    if (!latest.current) return;
    const intent = fleetKey(latest.current, input, key);
    if (intent === 'quit') onQuit();
    else if (intent) dispatch(intent);
  });
  useResize((t) => dispatch({ type: 'resize', ...t }), !size);
  const theme = useMemo(() => makeTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={state.width} height={state.height}>
        <LinesView lines={fleetLines(state)} width={state.width} height={state.height} />
      </Box>
    </ThemeContext.Provider>
  );
}
