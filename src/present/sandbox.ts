// What the sandbox is doing while a person waits for it (initdb alone takes
// seconds): one line per phase, with the time since it began.
import { duration } from './duration.js';

/** The phases src/run/sandbox.ts reports (its SandboxPhase). */
export function sandboxPhaseWords(phase: 'creating' | 'initialising' | 'starting', elapsedMs: number): string {
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
