// A run's two connections, its own and the run lock's, opened while the
// runbook's SQL is still being parsed and linted: the server's side of both
// logins (a backend forked, authentication, the target's identity read) then
// overlaps that work instead of following it. Nothing else is sent ahead: the
// lock is taken, and what a dead runner left is settled, only once the runbook
// is known good (journal/record.ts). A run that stops before it uses them
// (the runbook has problems, a flag is wrong) drops both, and an unreachable
// server never holds up the report of a runbook's problems.
import type { PgSession } from '../exec/postgres/index.js';
import { connect } from '../exec/postgres/index.js';
import { connectForLock } from '../journal/lock.js';
import { sessionApplicationName } from '../journal/leftovers.js';

export interface ConnectionsAhead {
  /** The run's own connection (RunSession's `connection`). */
  run: Promise<PgSession>;
  /** The lock's connection (openRecord's `lockConnection`). */
  lock: Promise<PgSession>;
  /** Gives up whichever is still connecting and closes whichever is open; for both once taken, their owners close them first (closing twice is nothing). */
  drop(): Promise<void>;
}

export function openConnectionsAhead(url: string, ids: { runbookId: string; runId: string; operator: string }): ConnectionsAhead {
  const giveUps: (() => void)[] = [];
  const onConnecting = (giveUp: () => void) => void giveUps.push(giveUp);
  const run = connect(url, { applicationName: sessionApplicationName(ids.runbookId, ids.runId), onConnecting });
  const lock = connectForLock(url, { operator: ids.operator, runId: ids.runId, onConnecting });
  // A failure is reported where each is awaited (the lock meets it first), not as an unhandled rejection.
  run.catch(() => {});
  lock.catch(() => {});
  return {
    run,
    lock,
    async drop() {
      for (const giveUp of giveUps) giveUp();
      await Promise.all([run, lock].map((p) => p.then((s) => s.close()).catch(() => {})));
    },
  };
}
