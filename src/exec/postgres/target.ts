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
  /** The cluster's identity (pg_control_system): the same across restarts and minor upgrades, another one for another cluster. Absent in older journals. */
  systemIdentifier?: string;
  /** The connection URL with its password replaced by ***. */
  url: string;
}

export const TARGET_SQL = `SELECT current_setting('server_version') AS server_version,
  current_setting('server_version_num')::int AS server_version_num,
  pg_is_in_recovery() AS is_replica, pg_backend_pid() AS backend_pid,
  current_database() AS database, current_user AS "user",
  pg_postmaster_start_time()::text AS started_at,
  (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier`;

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
    ...(row.system_identifier ? { systemIdentifier: String(row.system_identifier) } : {}),
    url: redactedUrl,
  };
}

/** One way the target seen now differs from the one pinned; present/target words it. */
export interface TargetChange {
  /** address: host:port · cluster: the system identifier · role: primary or replica · started: the postmaster's start time · backend: the session's pid. */
  what: 'address' | 'database' | 'user' | 'cluster' | 'version' | 'role' | 'started' | 'backend';
  was: string;
  now: string;
}

/**
 * What differs between the target pinned at start and the one seen now;
 * empty when it is the same server, database, user and role. (The address is
 * compared by whoever re-dialled it: a new session reaches the same server
 * under the same address by construction.)
 */
export function targetDiff(pinned: TargetInfo, now: TargetInfo): TargetChange[] {
  const changes: TargetChange[] = [];
  const differ = (what: TargetChange['what'], was: string, is: string): void => {
    if (was !== is) changes.push({ what, was, now: is });
  };
  differ('database', pinned.database, now.database);
  differ('user', pinned.user, now.user);
  if (pinned.systemIdentifier && now.systemIdentifier) differ('cluster', pinned.systemIdentifier, now.systemIdentifier);
  if (pinned.serverVersionNum !== now.serverVersionNum) changes.push({ what: 'version', was: pinned.serverVersion, now: now.serverVersion });
  differ('role', pinned.isReplica ? 'replica' : 'primary', now.isReplica ? 'replica' : 'primary');
  differ('started', pinned.serverStartedAt, now.serverStartedAt);
  differ('backend', String(pinned.backendPid), String(now.backendPid));
  return changes;
}

/** The major version of a server_version_num: 150018 → 15, 90624 → 9.6. */
export function majorVersion(num: number): string {
  return num >= 100000 ? String(Math.floor(num / 10000)) : `${Math.floor(num / 10000)}.${Math.floor(num / 100) % 100}`;
}

/**
 * A server upgraded within its major version (15.18 → 15.20) is the same
 * database, and may be accepted by the operator (resume --accept-target-change);
 * true when that is the only difference besides a restart and a new backend.
 */
export function onlyMinorUpgrade(pinned: TargetInfo, now: TargetInfo): boolean {
  if (pinned.serverVersionNum === now.serverVersionNum || majorVersion(pinned.serverVersionNum) !== majorVersion(now.serverVersionNum)) return false;
  const rest = targetDiff({ ...pinned, serverVersionNum: now.serverVersionNum, serverVersion: now.serverVersion, serverStartedAt: now.serverStartedAt, backendPid: now.backendPid }, now);
  return rest.length === 0;
}

/** One line for a header: "127.0.0.1:5432/app as postgres — PostgreSQL 15.18, primary". */
export function formatTarget(t: TargetInfo): string {
  return `${t.host}:${t.port}/${t.database} as ${t.user} — PostgreSQL ${t.serverVersion}, ${t.isReplica ? 'replica' : 'primary'}`;
}
