// What a dead runner of this runbook left on this database. The run lock is a
// session lock on a connection of its own, and it dies with the runner at once;
// the runner's statement does not: the server only notices the client is gone
// when the statement ends. So before a run or a resume starts (the lock already
// held, so no live runner of this runbook on this database exists), the
// backends a runner of it left are found by their application_name (which
// names the runbook and the run: sessionApplicationName below) and:
//   - one inside a transaction block can never commit now: it is ended;
//   - one running a statement on its own may still commit: it is waited for;
//   - an idle one holds nothing but a slot: it is ended.
// The operator is told which, and what each was running.
import { queryValues, type PgSession } from '../exec/postgres/index.js';

export type Say = (line: string) => void;

export interface Leftover {
  pid: number;
  state: string;
  query: string;
  runId?: string;
  inBlock: boolean;
  running: string;
}

const LEFTOVERS_SQL = `SELECT pid, coalesce(state, '?') AS state, left(regexp_replace(coalesce(query, ''), '\\s+', ' ', 'g'), 160) AS query,
       substring(application_name from ' run (\\S+)$') AS run_id,
       (coalesce(state, '') LIKE 'idle in transaction%' OR coalesce(xact_start < query_start, false)) AS in_block,
       to_char(now() - coalesce(query_start, backend_start), 'HH24:MI:SS') AS running
  FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY($3::int[]))
   AND (application_name = $1 OR application_name LIKE $2 ESCAPE '\\' OR application_name LIKE $6 ESCAPE '\\'
        OR (pid = $4 AND application_name LIKE 'runbook %' AND backend_start <= to_timestamp($5::double precision / 1000) + interval '1 second'))
 ORDER BY pid`;

/** Of the runbook's id, what the name below keeps: 63 bytes with the run id whole (24 characters, store.ts newRunId). */
const RUNBOOK_ID_IN_NAME = 26;

/**
 * What the run's own connection calls itself on the server: the runbook and
 * the run, so that a later run or resume finds what a dead runner left running.
 */
export const sessionApplicationName = (runbookId: string, runId = '-') => `runbook ${runbookId.slice(0, RUNBOOK_ID_IN_NAME)} run ${runId}`;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Backends a runner of this runbook left on this database (not ours). */
export async function findLeftovers(
  session: PgSession,
  runbookId: string,
  own: readonly number[],
  pinned?: { pid: number; at: number },
): Promise<Leftover[]> {
  const r = await queryValues(session, LEFTOVERS_SQL, [
    // Runners before the run id was in the name called their connection just this.
    `runbook ${runbookId}`,
    `runbook ${likeEscape(runbookId.slice(0, RUNBOOK_ID_IN_NAME))} run %`,
    `{${own.join(',')}}`,
    pinned?.pid ?? 0,
    pinned?.at ?? 0,
    // Runners whose run ids had 20 characters cut the runbook's id at 30.
    `runbook ${likeEscape(runbookId.slice(0, 30))} run %`,
  ]);
  return r.rows.map((row) => ({
    pid: Number(row.pid),
    state: String(row.state),
    query: String(row.query),
    ...(row.run_id ? { runId: String(row.run_id) } : {}),
    inBlock: row.in_block === true,
    running: String(row.running),
  }));
}

const SLEEP = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ends or waits for every backend a dead runner of this runbook left, telling
 * the operator; returns what was found (empty: nothing was left).
 */
export async function settleLeftovers(
  session: PgSession,
  runbookId: string,
  say: Say,
  options: { own?: readonly number[]; pinned?: { pid: number; at: number }; pollMs?: number } = {},
): Promise<Leftover[]> {
  const own = options.own ?? [];
  const found = await findLeftovers(session, runbookId, own, options.pinned);
  if (found.length === 0) return found;
  for (const b of found) {
    const what = `a stopped runner of this runbook${b.runId ? ` (run ${b.runId})` : ''} left server pid ${b.pid} ${b.state}${b.query ? `: ${b.query}` : ''} (for ${b.running})`;
    if (b.inBlock || b.state.startsWith('idle')) {
      say(`${what}; ${b.inBlock ? 'inside a transaction it can never commit now' : 'it is idle'}, so it is ended first`);
      await queryValues(session, 'SELECT pg_terminate_backend($1)', [b.pid]);
    } else say(`${what}; it may still commit on its own, so this waits for it to end before anything runs (Ctrl-C to give up)`);
  }
  const pids = new Set(found.map((b) => b.pid));
  for (let waited = 0; ; waited++) {
    const left = (await findLeftovers(session, runbookId, own, options.pinned)).filter((b) => pids.has(b.pid));
    if (left.length === 0) break;
    // One that started a transaction while we waited is ended too.
    for (const b of left) if (b.inBlock || b.state.startsWith('idle')) await queryValues(session, 'SELECT pg_terminate_backend($1)', [b.pid]);
    if (waited > 0 && waited % 120 === 0) say(`still waiting for server pid ${left.map((b) => `${b.pid} (${b.running})`).join(', ')}`);
    await SLEEP(options.pollMs ?? 250);
  }
  say(`what the stopped runner left is gone (server pid ${[...pids].join(', ')}); starting`);
  return found;
}
