// Which server and database a session talks to: read once at connect (the
// pinned target in the header) and again before steps that change data, so a
// failover, restart or wrong database is caught before it does harm.
import type pg from 'pg';

export interface TargetInfo {
  host: string;
  port: number;
  database: string;
  user: string;
  /** e.g. "15.18" (the distribution suffix is dropped). */
  serverVersion: string;
  /** e.g. 150018 */
  serverVersionNum: number;
  /** pg_is_in_recovery(): true on a standby. */
  isReplica: boolean;
  backendPid: number;
  /** When the server (postmaster) started: a change means a restart or a failover. */
  serverStartedAt: string;
  /** The connection URL with its password replaced by ***. */
  url: string;
}

export const TARGET_SQL = `SELECT current_setting('server_version') AS server_version,
  current_setting('server_version_num')::int AS server_version_num,
  pg_is_in_recovery() AS is_replica, pg_backend_pid() AS backend_pid,
  current_database() AS database, current_user AS "user",
  pg_postmaster_start_time()::text AS started_at`;

/** The address comes from the connection (what we dialled); the rest from the server itself. */
export function targetFromRow(row: Record<string, unknown>, client: pg.Client, redactedUrl: string): TargetInfo {
  return {
    host: client.host,
    port: client.port,
    database: String(row.database),
    user: String(row.user),
    serverVersion: String(row.server_version).split(' ')[0],
    serverVersionNum: Number(row.server_version_num),
    isReplica: row.is_replica === true,
    backendPid: Number(row.backend_pid),
    serverStartedAt: String(row.started_at),
    url: redactedUrl,
  };
}

/**
 * What differs between the target pinned at start and the one seen now, in
 * words; empty when it is the same server, database, user and role.
 */
export function targetChanges(pinned: TargetInfo, now: TargetInfo): string[] {
  const changes: string[] = [];
  if (pinned.database !== now.database) changes.push(`database is now ${now.database} (was ${pinned.database})`);
  if (pinned.user !== now.user) changes.push(`connected as ${now.user} (was ${pinned.user})`);
  if (pinned.serverVersionNum !== now.serverVersionNum) changes.push(`server version is now ${now.serverVersion} (was ${pinned.serverVersion})`);
  if (pinned.isReplica !== now.isReplica) changes.push(now.isReplica ? 'the server is now a replica (read-only standby)' : 'the server is now a primary (it was a replica)');
  if (pinned.serverStartedAt !== now.serverStartedAt) changes.push(`the server restarted or failed over (started at ${now.serverStartedAt}, was ${pinned.serverStartedAt})`);
  if (pinned.backendPid !== now.backendPid) changes.push(`the session reconnected (backend ${now.backendPid}, was ${pinned.backendPid})`);
  return changes;
}

/** One line for a header: "127.0.0.1:5432/app as postgres — PostgreSQL 15.18, primary". */
export function formatTarget(t: TargetInfo): string {
  return `${t.host}:${t.port}/${t.database} as ${t.user} — PostgreSQL ${t.serverVersion}, ${t.isReplica ? 'replica' : 'primary'}`;
}
