// `runbook run` in a terminal: the Ink screen. It mounts the screen, asks for
// the inputs, builds the session through the caller's factory (so the journal
// and everything else the command wires stays the same as in plain mode),
// shows the run as it happens, answers the session's questions from keys, and
// leaves the terminal as it found it, with a plain summary printed after.
import { altScreen } from './alt-screen.js';
import React from 'react';
import type { RunState } from '../engine/state.js';
import type { RunKind } from '../engine/state.js';
import type { Operator } from '../run/operator.js';
import type { RunSession } from '../run/session.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { App } from './components/App.js';
import { screenController } from './screen-controller.js';
import { screenOperator } from './operator.js';
import { makeFields } from './fields.js';
import { colorWanted, makeTheme } from './theme.js';
import { Painter } from './paint.js';
import { summaryLines } from './views/summary.js';
import { sortEarlyKeys } from './type-ahead.js';
import { typeAheadNote } from '../present/type-ahead.js';
import { watchServer } from './wiring.js';

export type GivenInputs = Record<string, string | number | boolean>;

export interface InteractiveOptions {
  runbook: Runbook;
  /** The target URL (with password): only for the server monitor's own connection, never shown. */
  url: string;
  /** The target as it may be shown before the session pins it (password hidden). */
  targetHint?: string;
  kind?: RunKind;
  /** Run without stopping before each step (--auto); by default the screen stops before every step until Enter. */
  auto?: boolean;
  /** The flags that changed a decision (--yes, --auto, …): shown in the header. */
  flags?: readonly string[];
  /** The run is in a sandbox deleted when it ends: quitting does not offer a resume. */
  sandbox?: boolean;
  procedureId?: string;
  steps?: readonly Step[];
  /** Inputs already given (--input, sandbox defaults): filled into the form. */
  inputs: GivenInputs;
  /** The run continues a journalled one: its inputs are fixed, no form. */
  resumed?: boolean;
  /** Builds the session with the screen's operator and the inputs the form settled. */
  createSession(operator: Operator, inputs: GivenInputs): RunSession;
  /** Where the run is recorded (the run id and journal path): in the help, and printed under the summary. */
  note?: string;
  /** What undoing this run would run, newest first (from the run's record): the p view. */
  plan?: ReadonlyArray<{ id: string; title: string; undo: string }>;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Default: on unless NO_COLOR is set. */
  color?: boolean;
  /** Watch the server while statements run (default true). */
  monitor?: boolean;
  /** Keys typed before the screen was up, held unechoed (cli/type-ahead.ts): taken at mount, held again (and dropped) after. */
  typeAhead?: { take(): string; hold(): void };
}


/**
 * Runs the screen until the operator leaves it. Returns the run's final state,
 * or null when the operator declined to start (left the inputs form).
 */
export async function runInteractive(o: InteractiveOptions): Promise<RunState | null> {
  const stdout = o.stdout ?? process.stdout;
  const stdin = o.stdin ?? process.stdin;
  const ctl = screenController(stdout, {
    runbook: o.runbook,
    kind: o.kind,
    procedureId: o.procedureId,
    steps: o.steps,
    targetHint: o.targetHint,
    plan: o.plan,
    recordNote: o.note,
    pace: o.auto ? 'auto' : 'guided',
    flags: o.flags,
    sandbox: o.sandbox,
  });
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  const screen = altScreen({ stdin, stdout });
  const onSigint = () => ctl.dispatch({ type: 'ctrl_c' }, true);
  const onTerm = () => {
    ctl.dispatch({ type: 'ctrl_c' }, true);
    ctl.dispatch({ type: 'quit' }, true);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onTerm);
  process.on('SIGHUP', onTerm);
  ctl.setHooks({
    exit: () => leave(),
    forceExit: () => {
      screen.restore();
      stdout.write('runbook: left while a cancel was still pending on the server; check pg_stat_activity for a statement of ours.\n');
      process.exit(130);
    },
  });

  let final: RunState | null = null;
  let session: RunSession | undefined;
  let watch: ReturnType<typeof watchServer> | undefined;
  try {
    // Taken before Ink reads the terminal: the keys typed ahead come first, and only moves of the view are kept.
    const early = sortEarlyKeys(o.typeAhead?.take() ?? '');
    screen.show(<App controller={ctl} painter={new Painter(stdout, makeTheme(o.color ?? colorWanted()))} trackSize />, 20);
    ctl.startClock();
    for (const key of early.replay) ctl.key('', key);
    const note = typeAheadNote(early.dropped);
    if (note) ctl.dispatch({ type: 'flash', text: note, tone: 'warn' }, true);

    let inputs = o.inputs;
    const specs = o.runbook.inputs;
    if (!o.resumed && Object.keys(specs).some((name) => !(name in o.inputs))) {
      const answer = await ctl.ask({ kind: 'inputs', fields: makeFields(specs, o.inputs), focus: 0, problems: [] });
      if (answer === null) return null;
      inputs = { ...o.inputs, ...answer };
    }

    session = o.createSession(screenOperator(ctl, { runbook: o.runbook, steps: ctl.getState().steps }), inputs);
    const s = session;
    ctl.setHooks({ interrupt: () => s.interrupt(), stop: () => s.requestStop() });
    ctl.dispatch({ type: 'attach', state: s.state }, true);
    s.subscribe(ctl.onRun);
    if (o.monitor !== false) {
      watch = watchServer({ url: o.url, target: () => s.target?.target, report: ctl.onMonitor });
      s.subscribe(watch.listener);
    }
    final = await s.run();
    await watch?.stop();
    ctl.dispatch({ type: 'finished', state: final }, true);
    await left;
    return final;
  } finally {
    await watch?.stop().catch(() => {});
    ctl.dispose();
    screen.restore();
    // The screen is gone: keys typed now are not echoed above the summary, nor left for the shell.
    o.typeAhead?.hold();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onTerm);
    process.off('SIGHUP', onTerm);
    const state = final ?? session?.state;
    if (state && state.target) {
      for (const line of summaryLines(o.runbook, state)) stdout.write(`${line}\n`);
      if (o.note) stdout.write(`${o.note}\n`);
    } else if (!final) {
      stdout.write(`${o.runbook.title}: not started.\n`);
    }
  }
}

export { TuiController } from './controller.js';
export { screenOperator } from './operator.js';
export { initialState } from './state.js';
