// What the sandbox is doing while a person waits for it (initdb alone takes
// seconds): one line per phase, with the time since it began.
import type { SandboxPhase } from '../run/sandbox.js';
import { duration } from './duration.js';

export function sandboxPhaseWords(phase: SandboxPhase, elapsedMs: number): string {
  const at = elapsedMs >= 1000 ? ` (${duration(elapsedMs)} so far)` : '';
  switch (phase) {
    case 'initialising':
      return `sandbox: initialising a new PostgreSQL data folder (initdb)…${at}`;
    case 'starting':
      return `sandbox: starting the embedded PostgreSQL server…${at}`;
    case 'creating':
      return `sandbox: creating the sandbox database…${at}`;
  }
}
