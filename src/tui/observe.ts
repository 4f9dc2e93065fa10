// A run watched on the run screen in observer mode: the controller that shows
// it, fed with the run's events as they come. `runbook watch` shows one on its
// own screen; the fleet view shows one in place of its table (Enter on a
// target) until q or Esc brings the table back. What feeds it (the shared
// record, a journal file) is the caller's; this only applies what it is told.
import type { RunState } from '../engine/state.js';
import type { RunKind } from '../engine/state.js';
import type { RunSink } from '../fleet/observed-run.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import type { TuiController } from './controller.js';
import { screenController } from './screen-controller.js';

export interface ObserveOptions {
  runbook: Runbook;
  kind: RunKind;
  procedureId?: string;
  steps: readonly Step[];
  /** The run as recorded so far. */
  state: RunState;
  /** Whose run, where: "run … by …". */
  text: string;
  waiting?: string;
  /** Where q and Esc go, for the footer (default: out of the watch). */
  leave?: string;
  /** Starts feeding the screen; returns how to stop. */
  follow(sink: RunSink): Promise<() => Promise<void>>;
}

export interface Observing {
  controller: TuiController;
  /** The run's state as last seen. */
  last(): RunState;
  /** Stops following and the screen's clock. */
  stop(): Promise<void>;
}

/** The observer screen's controller, fed from `o.follow`; `onLeave` runs when the watcher leaves (q, Esc, Ctrl-C). */
export async function observe(stdout: Pick<NodeJS.WriteStream, 'columns' | 'rows'>, o: ObserveOptions, onLeave: () => void): Promise<Observing> {
  const ctl = screenController(stdout, { runbook: o.runbook, kind: o.kind, procedureId: o.procedureId, steps: o.steps, observer: { text: o.text, ...(o.leave ? { leave: o.leave } : {}) } });
  ctl.setHooks({ exit: onLeave });
  let last = o.state;
  ctl.dispatch({ type: 'attach', state: o.state }, true);
  ctl.dispatch({ type: 'watching', waiting: o.waiting });
  if (o.state.ended) ctl.dispatch({ type: 'finished', state: o.state });
  ctl.startClock();
  let stopFollowing: (() => Promise<void>) | undefined;
  try {
    stopFollowing = await o.follow({
      run(state, event) {
        last = state;
        ctl.onRun(state, event);
        if (event.type === 'run_ended') ctl.dispatch({ type: 'finished', state });
      },
      waiting: (text) => ctl.dispatch({ type: 'watching', waiting: text }),
    });
  } catch (e) {
    ctl.dispose();
    throw e;
  }
  return {
    controller: ctl,
    last: () => last,
    async stop() {
      await stopFollowing?.().catch(() => {});
      ctl.dispose();
    },
  };
}
