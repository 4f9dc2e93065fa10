// Starts the server monitor (src/exec/postgres/monitor.ts) while a SQL
// statement of ours runs, and stops it when the item ends. It listens to the
// session's events like any renderer; what it learns goes to the screen's
// state. No component ever talks to the server.
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import { startMonitor, type Monitor, type MonitorOptions, type MonitorSample } from '../exec/postgres/monitor.js';

export interface ServerWatchOptions {
  /** The target URL (with password; only for the monitor's own connection). */
  url: string;
  /** The session's connection right now: its backend pid and server version. */
  target(): { backendPid: number; serverVersionNum: number } | undefined;
  report(key: string, sample: MonitorSample | null, note?: string): void;
  start?: (options: MonitorOptions) => Monitor;
  delayMs?: number;
  intervalMs?: number;
}

const ENDS: ReadonlySet<RunEvent['type']> = new Set(['item_finished', 'item_interrupted', 'item_confirmed', 'item_skipped', 'item_rolled_back', 'fix_finished', 'run_ended']);

export interface ServerWatch {
  listener(state: RunState, event: RunEvent): void;
  /** Stops any monitor still running; resolves when its connection is closed. */
  stop(): Promise<void>;
}

export function watchServer(options: ServerWatchOptions): ServerWatch {
  const start = options.start ?? startMonitor;
  let current: { key: string; monitor: Monitor } | null = null;
  const stopping = new Set<Promise<void>>();

  const stopCurrent = () => {
    if (!current) return;
    const { key, monitor } = current;
    current = null;
    const p = monitor.stop().finally(() => stopping.delete(p));
    stopping.add(p);
    options.report(key, null);
  };

  return {
    listener(_state, event) {
      if (event.type === 'item_output' && event.events.some((e) => e.type === 'statement_started')) {
        if (current?.key === event.key) return;
        stopCurrent();
        const t = options.target();
        if (!t) return;
        const key = event.key;
        const mine = { key, monitor: { stop: async () => {} } as Monitor };
        current = mine;
        mine.monitor = start({
          url: options.url,
          pid: t.backendPid,
          serverVersionNum: t.serverVersionNum,
          delayMs: options.delayMs,
          intervalMs: options.intervalMs,
          onSample: (sample) => {
            if (current === mine) options.report(key, sample);
          },
          onError: (message) => options.report(key, null, message),
        });
        return;
      }
      if (ENDS.has(event.type) && (event.type === 'run_ended' || ('key' in event && current?.key === event.key))) stopCurrent();
    },
    async stop() {
      stopCurrent();
      await Promise.all([...stopping]);
    },
  };
}
