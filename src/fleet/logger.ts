// graphile-worker logs through its own logger: ours keeps its chatter off the
// operator's screen and prints only warnings and errors, prefixed.
import type { Logger } from 'graphile-worker';
import { graphileWorker } from './graphile.js';

export function quietLogger(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  return new (graphileWorker().Logger)(() => (level, message) => {
    if (level === 'error' || level === 'warning') write(`worker: ${message}`);
  });
}
