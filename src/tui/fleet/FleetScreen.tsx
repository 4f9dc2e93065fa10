// The fleet on the screen: it draws what the control database last said and
// turns keys into intents. Data comes in through `source` (the command follows
// the control database); the screen never queries anything itself. Enter on a
// target shows its run on the ordinary run screen in observer mode, fed by the
// source (the run's journal or shared record), until q or Esc brings the
// table back; the run goes on either way.
import React, { useEffect, useMemo, useRef, useState } from 'react';
import { Box, useInput, useStdout } from 'ink';
import type { FleetRow, TargetRow } from '../../fleet/control.js';
import type { ObservedRun } from '../../fleet/observed-run.js';
import type { Runbook } from '../../runbook/load.js';
import type { Step } from '../../runbook/schema.js';
import { App } from '../components/App.js';
import { LinesView, ThemeContext } from '../components/Lines.js';
import { useResize } from '../components/useResize.js';
import { observe, type Observing } from '../observe.js';
import { makeTheme } from '../theme.js';
import { fleetKey, initialFleetView, updateFleetView, type FleetIntent, type FleetViewState } from './model.js';
import { fleetLines } from './view.js';

export interface FleetSource {
  /** Calls back with every change; returns how to stop. */
  subscribe(update: (fleet: FleetRow, targets: TargetRow[]) => void): () => void;
  /** A target's run to watch, with the runbook and the run's steps to show it by, or why it cannot be shown. */
  openRun(target: TargetRow): Promise<{ runbook: Runbook; steps: readonly Step[]; run: ObservedRun } | { error: string }>;
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

/** The run being watched: its screen's controller and what reads it. */
interface Watched {
  target: string;
  observing: Observing;
  run: ObservedRun;
}

export function FleetScreen({ fleet, targets, source, onQuit, size, color = true, clock = Date.now }: FleetScreenProps) {
  const { stdout } = useStdout();
  const latest = useRef<FleetViewState | null>(null);
  latest.current ??= initialFleetView(fleet, targets, size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 }, clock());
  const [state, setState] = useState(latest.current);
  const [watched, setWatched] = useState<Watched | null>(null);
  const watchedRef = useRef<Watched | null>(null);
  const dispatch = (intent: FleetIntent) => {
    if (!latest.current) return;
    const next = updateFleetView(latest.current, intent);
    latest.current = next;
    setState(next);
    if (intent.type === 'open' && next.open && !next.open.shown && next.open.error === undefined) void openRun(next.open.target);
    if (intent.type === 'back') void closeWatched();
  };
  const closeWatched = async () => {
    const w = watchedRef.current;
    watchedRef.current = null;
    setWatched(null);
    if (w) {
      await w.observing.stop();
      await w.run.close();
    }
  };
  const openRun = async (name: string) => {
    const target = latest.current?.targets.find((t) => t.name === name);
    const got = target ? await source.openRun(target).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })) : { error: `no target ${name}` };
    const stillWanted = () => latest.current?.open?.target === name && !latest.current.open.shown;
    if ('error' in got) {
      if (stillWanted()) dispatch({ type: 'opened', target: name, error: got.error });
      return;
    }
    if (!stillWanted()) return void got.run.close();
    const s = latest.current!;
    const observing = await observe(
      { columns: s.width, rows: s.height },
      {
        runbook: got.runbook,
        kind: got.run.header.kind,
        procedureId: got.run.header.procedureId,
        steps: got.steps,
        state: got.run.state,
        text: `${name} · fleet ${s.fleet.name} · run ${got.run.runId}`,
        waiting: got.run.waiting,
        leave: 'back to the fleet (the run goes on)',
        follow: got.run.follow,
      },
      () => dispatch({ type: 'back' }),
    ).catch(async (e: unknown) => {
      await got.run.close();
      dispatch({ type: 'opened', target: name, error: e instanceof Error ? e.message : String(e) });
      return null;
    });
    if (!observing) return;
    watchedRef.current = { target: name, observing, run: got.run };
    setWatched(watchedRef.current);
    dispatch({ type: 'opened', target: name });
  };
  useEffect(() => source.subscribe((f, t) => dispatch({ type: 'update', fleet: f, targets: t, now: clock() })), [source]);
  useEffect(() => () => void closeWatched(), []);
  useInput(
    (input, key) => {
      if (!latest.current) return;
      const intent = fleetKey(latest.current, input, key);
      if (intent === 'quit') onQuit();
      else if (intent) dispatch(intent);
    },
    { isActive: !watched },
  );
  useResize((t) => dispatch({ type: 'resize', ...t }), !size);
  const theme = useMemo(() => makeTheme(color), [color]);
  if (watched) return <App controller={watched.observing.controller} color={color} trackSize={!size} />;
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={state.width} height={state.height}>
        <LinesView lines={fleetLines(state)} width={state.width} height={state.height} />
      </Box>
    </ThemeContext.Provider>
  );
}
