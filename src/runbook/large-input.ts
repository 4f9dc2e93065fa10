// A large input makes the process hold much at once: a data fix's sql_file of
// 100,000 INSERTs (10 MB) is split into 100,000 statements that live through
// the whole step. There V8's default heap sizing, which grows the heap well
// ahead of what is live to spend less time collecting, stood ~30 MiB above
// what the process holds (peak 164 MiB, of which ~60 MiB live JavaScript).
// From such a file on, V8 is told to prefer memory to speed:
// - --optimize-for-size: the heap grows by less and is collected more often
//   (164 -> 140-148 MiB);
// - --semi-space-growth-factor=1: the young generation stays at its starting
//   size, as on the screen (src/tui/load.ts) (-> 127-130 MiB).
// Together ~25 % more CPU for that data fix (2.4 -> 3.0 s user; its wall was
// 0.23x psql's). Small inputs (nearly every runbook) keep V8's defaults, so a
// start or a 1,000-statement step pays nothing.
import { setFlagsFromString } from 'node:v8';

/** From this size on, a file read makes the process prefer memory to speed. */
export const LARGE_INPUT_BYTES = 4 * 1024 * 1024;

const LARGE_INPUT_V8_FLAGS = ['--optimize-for-size', '--semi-space-growth-factor=1'];

/**
 * Set on the global object once V8's flags changed: V8 refuses a code cache
 * made under other flags, so bin/runbook.js writes no run cache from such a
 * process (the next run would refuse it, and pay a cold start).
 */
const FLAGS_CHANGED = Symbol.for('runbook.v8-flags-changed');

/** A file of `bytes` was read: past LARGE_INPUT_BYTES, V8 is told to keep its heap small from now on. */
export function noteInputSize(bytes: number): void {
  const global = globalThis as Record<symbol, unknown>;
  if (bytes < LARGE_INPUT_BYTES || global[FLAGS_CHANGED]) return;
  for (const flag of LARGE_INPUT_V8_FLAGS) setFlagsFromString(flag);
  global[FLAGS_CHANGED] = true;
}
