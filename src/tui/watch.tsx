// `runbook watch` in a terminal: the ordinary run screen in observer mode. The
// run is someone else's (another terminal, another machine): its recorded
// events come in through `source` and are applied as the operator's own screen
// applies them; no key acts on it (store.ts: a watcher only looks and leaves).
import React from 'react';
import type { RunState } from '../engine/state.js';
import type { RunSink } from '../fleet/observed-run.js';
import { altScreen } from './alt-screen.js';
import { App } from './components/App.js';
import { observe, type ObserveOptions } from './observe.js';
import { colorWanted, makeTheme } from './theme.js';
import { Painter } from './paint.js';

/** What feeds the watch screen: the watched run's events and what it waits for. */
export type WatchFeed = RunSink;

export interface WatchScreenOptions extends ObserveOptions {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  color?: boolean;
}

/** Shows the run until the watcher leaves (q, Esc, Ctrl-C); returns the run's state as last seen. */
export async function watchInteractive(o: WatchScreenOptions): Promise<RunState> {
  const stdout = o.stdout ?? process.stdout;
  const stdin = o.stdin ?? process.stdin;
  let leave!: () => void;
  const left = new Promise<void>((resolve) => (leave = resolve));
  const watching = await observe(stdout, o, () => leave());
  const screen = altScreen({ stdin, stdout });
  const onSignal = () => watching.controller.dispatch({ type: 'quit' }, true);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    screen.show(<App controller={watching.controller} painter={new Painter(stdout, makeTheme(o.color ?? colorWanted()))} trackSize />, 20);
    await left;
    return watching.last();
  } finally {
    await watching.stop();
    screen.restore();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}
