// How a command ends, one code per outcome, for scripts and CI to act on. The
// table in README.md ("Exit codes") is this one; every command returns these.
import type { RunState } from '../engine/state.js';

export const EXIT = {
  /** Done: the run succeeded, the file is valid, the command did what was asked. */
  done: 0,
  /** A check or a step failed (the run stopped on it), or a validation found problems in the runbook's checks. */
  failed: 1,
  /** A usage or runbook problem: a bad flag, a file that does not load, a run that cannot be resumed, a damaged state folder. */
  usage: 2,
  /** Another run of this runbook holds the lock on this database. */
  locked: 3,
  /** Could not connect to the database, the connection was lost, or the target is not the one the run was pinned to. */
  connection: 4,
  /** Stopped for the operator's decision: whether work in flight took effect is unknown (reconciled: unknown). */
  decision: 5,
  /** Interrupted by the operator (Ctrl-C). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A finished run's exit code, from its state alone. */
export function runExitCode(state: RunState): ExitCode {
  if (state.ended?.outcome === 'succeeded') return EXIT.done;
  if (state.items.some((i) => i.status === 'interrupted' && i.unknown)) return EXIT.decision;
  if (state.ended?.cause === 'connection' || state.ended?.cause === 'target') return EXIT.connection;
  const stoppedOn = state.items.find((i) => i.status === 'failed' || i.status === 'interrupted');
  if (stoppedOn?.status === 'interrupted') return EXIT.interrupted;
  if (stoppedOn?.error?.kind === 'connection') return EXIT.connection;
  return EXIT.failed;
}

/** An error thrown where a command could not carry on: a connection problem, or anything else. */
export function errorExitCode(err: unknown): ExitCode {
  // Recognised by shape, not by importing pg's module: every command (validate too) loads this file.
  // A damaged or unusable state folder or journal (journal/fs-errors.ts, journal.ts) is a usage problem: the message says what to do.
  if (err instanceof Error && (err.name === 'StateError' || err.name === 'JournalError')) return EXIT.usage;
  const kind = err instanceof Error && err.name === 'ExecFailure' ? (err as Error & { error?: { kind?: string } }).error?.kind : undefined;
  return kind === 'connection' ? EXIT.connection : EXIT.failed;
}
