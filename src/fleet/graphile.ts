// graphile-worker, required when a fleet command first talks to the job queue:
// it is outside the bundle (scripts/bundle.js) and large (graphile-config,
// its presets), and a command's start (its --help, `fleet status`'s reading)
// should not pay for loading it.
import { createRequire } from 'node:module';
import type * as GraphileWorker from 'graphile-worker';

let library: typeof GraphileWorker | undefined;

export function graphileWorker(): typeof GraphileWorker {
  return (library ??= createRequire(import.meta.url)('graphile-worker') as typeof GraphileWorker);
}
