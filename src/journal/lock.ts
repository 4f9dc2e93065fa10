// One run of a runbook against one database at a time: a session-level
// advisory lock keyed by (runbook, database), held on a connection of its own
// for the whole run. Its own connection, because the run's statements must not
// be able to drop it (DISCARD ALL, pg_advisory_unlock_all) and because a killed
// runner's idle lock connection ends at once, while its busy one may not.
// A second operator is refused with who holds it, read from pg_stat_activity.
import { createHash } from 'node:crypto';
import { connect, queryValues, type PgSession } from '../exec/postgres/index.js';

/** The lock key: 63 bits of sha256("runbook:<id>@<database>"), a positive bigint. */
export function lockKey(runbookId: string, database: string): bigint {
  const digest = createHash('sha256').update(`runbook:${runbookId}@${database}`).digest();
  return digest.readBigUInt64BE(0) & 0x7fff_ffff_ffff_ffffn;
}

/**
 * What the lock connection calls itself: the operator comes first, so a refusal can name them. A
 * long name is cut in the operator, not the run id: PostgreSQL keeps 63 bytes of it.
 */
export function lockApplicationName(operator: string, runId: string): string {
  const run = ` run ${runId}`;
  let who = '';
  for (const ch of operator.replace(/\s+/g, '_')) {
    if (Buffer.byteLength(`runbook ${who}${ch}${run}`) > 63) break;
    who += ch;
  }
  return `runbook ${who}${run}`;
}

export interface LockHolder {
  pid: number;
  operator?: string;
  runId?: string;
  dbUser: string;
  clientAddr?: string;
  applicationName: string;
  since: string;
}

export type LockResult = { ok: true; lock: RunLock } | { ok: false; holder: LockHolder | null; message: string };

export interface RunLock {
  /** The lock's connection: also used for the shared record (--record-in-db). */
  session: PgSession;
  key: bigint;
  release(): Promise<void>;
}

const HOLDER_SQL = `SELECT a.pid, a.usename, a.application_name, host(a.client_addr) AS client_addr, a.client_hostname,
    to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"') AS since
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND l.classid::bigint = ($1::bigint >> 32) AND l.objid::bigint = ($1::bigint & 4294967295)
 LIMIT 1`;

/** The lock's connection, named as the lock's: opened ahead (while the runbook is checked), it takes nothing until acquireRunLock is given it. */
export function connectForLock(url: string, options: { operator: string; runId: string; onConnecting?: (giveUp: () => void) => void }): Promise<PgSession> {
  return connect(url, { applicationName: lockApplicationName(options.operator, options.runId), onConnecting: options.onConnecting });
}

export async function acquireRunLock(
  url: string,
  options: { runbookId: string; operator: string; runId: string; /** Opened ahead by connectForLock with the same operator and run. */ connection?: Promise<PgSession> },
): Promise<LockResult> {
  const session = await (options.connection ?? connectForLock(url, options));
  try {
    const key = lockKey(options.runbookId, session.target.database);
    const got = await queryValues(session, 'SELECT pg_try_advisory_lock($1::bigint) AS ok', [key.toString()]);
    if (got.rows[0]?.ok === true) {
      return {
        ok: true,
        lock: {
          session,
          key,
          release: async () => {
            await queryValues(session, 'SELECT pg_advisory_unlock($1::bigint)', [key.toString()]).catch(() => {});
            await session.close();
          },
        },
      };
    }
    const holder = await findHolder(session, key);
    await session.close();
    return { ok: false, holder, message: refusal(options.runbookId, session.target.database, holder) };
  } catch (err) {
    await session.close();
    throw err;
  }
}

async function findHolder(session: PgSession, key: bigint): Promise<LockHolder | null> {
  const r = await queryValues(session, HOLDER_SQL, [key.toString()]);
  const row = r.rows[0];
  if (!row) return null;
  const app = String(row.application_name ?? '');
  const named = /^runbook (\S+) run (\S+)/.exec(app);
  return {
    pid: Number(row.pid),
    operator: named?.[1],
    runId: named?.[2],
    dbUser: String(row.usename ?? '?'),
    clientAddr: row.client_hostname ? String(row.client_hostname) : row.client_addr ? String(row.client_addr) : undefined,
    applicationName: app,
    since: String(row.since),
  };
}

export function refusal(runbookId: string, database: string, holder: LockHolder | null): string {
  const head = `refused: runbook "${runbookId}" is already running on database "${database}"`;
  if (!holder) return `${head} (the lock was released just now: try again)`;
  const who = holder.operator ?? `"${holder.applicationName || 'an unnamed client'}"`;
  const from = holder.clientAddr ? ` from ${holder.clientAddr}` : ' over a local socket';
  return `${head}: held by ${who} (database user ${holder.dbUser}${from}, since ${holder.since}, server pid ${holder.pid}${holder.runId ? `, run ${holder.runId}` : ''}). Wait for that run to end, or ask them.`;
}
