// `runbook watch` in a terminal: the ordinary run screen in observer mode. The
// run is someone else's (another terminal, another machine): its recorded
// events come in through `source` and are applied as the operator's own screen
// applies them; no key acts on it (store.ts: a watcher only looks and leaves).
import React from 'react';
import type { RunEvent } from '../engine/events.js';
import type { RunKind, RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { altScreen } from './alt-screen.js';
import { App } from './components/App.js';
import { screenController } from './screen-controller.js';
import { colorWanted } from './theme.js';

export interface WatchFeed {
  /** An event of the watched run, with the state after it. */
  run(state: RunState, event: RunEvent): void;
  /** What the run waits for now (an approval, a runner that is gone), or undefined. */
  waiting(text: string | undefined): void;
}

export interface WatchScreenOptions {
  runbook: Runbook;
  kind: RunKind;
  procedureId?: string;
  steps: readonly Step[];
  /** The run as recorded so far. */
  state: RunState;
  /** Whose run, where: "run … by … (read-only)". */
  text: string;
  waiting?: string;
  /** Starts feeding the screen; returns how to stop. */
  follow(feed: WatchFeed): Promise<() => Promise<void>>;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  color?: boolean;
}

/** Shows the run until the watcher leaves (q, Ctrl-C); returns the run's state as last seen. */
export async function watchInteractive(o: WatchScreenOptions): Promise<RunState> {
  const stdout = o.stdout ?? process.stdout;
  const stdin = o.stdin ?? process.stdin;
  const ctl = screenController(stdout, { runbook: o.runbook, kind: o.kind, procedureId: o.procedureId, steps: o.steps, observer: { text: o.text } });
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  ctl.setHooks({ exit: () => leave() });
  const screen = altScreen({ stdin, stdout });
  const onSignal = () => ctl.dispatch({ type: 'quit' }, true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  let last = o.state;
  let stop: (() => Promise<void>) | undefined;
  try {
    screen.show(<App controller={ctl} color={o.color ?? colorWanted()} trackSize />, 20);
    ctl.startClock();
    ctl.dispatch({ type: 'attach', state: o.state }, true);
    ctl.dispatch({ type: 'watching', waiting: o.waiting });
    if (o.state.ended) ctl.dispatch({ type: 'finished', state: o.state });
    stop = await o.follow({
      run(state, event) {
        last = state;
        ctl.onRun(state, event);
        if (event.type === 'run_ended') ctl.dispatch({ type: 'finished', state });
      },
      waiting: (text) => ctl.dispatch({ type: 'watching', waiting: text }),
    });
    await left;
    return last;
  } finally {
    await stop?.().catch(() => {});
    ctl.dispose();
    screen.restore();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
