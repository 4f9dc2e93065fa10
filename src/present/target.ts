// The pinned target in words, one wording for the header, the plain output,
// the summary left in the terminal and the reports:
//   postgres@127.0.0.1:5432/app · PostgreSQL 15.18 · primary
// The screen colours the parts (the database bold, a replica in warning
// colour) and drops the login, then the address, when the terminal is narrow.
import type { TargetInfo } from '../exec/postgres/target.js';

export interface TargetParts {
  /** "postgres@" */
  login: string;
  /** "127.0.0.1:5432/" */
  address: string;
  database: string;
  /** "PostgreSQL 15.18" */
  server: string;
  /** "primary", or "REPLICA (read-only)": a replica must stand out, in plain text too. */
  role: string;
  isReplica: boolean;
}

export function targetParts(t: Pick<TargetInfo, 'user' | 'host' | 'port' | 'database' | 'serverVersion' | 'isReplica'>): TargetParts {
  return {
    login: `${t.user}@`,
    address: `${t.host}:${t.port}/`,
    database: t.database,
    server: `PostgreSQL ${t.serverVersion}`,
    role: t.isReplica ? 'REPLICA (read-only)' : 'primary',
    isReplica: t.isReplica,
  };
}

/** The target on one line. */
export function targetLine(t: Parameters<typeof targetParts>[0]): string {
  const p = targetParts(t);
  return `${p.login}${p.address}${p.database} · ${p.server} · ${p.role}`;
}

/** Where a connection goes, for messages: "127.0.0.1:5432/app". */
export function targetAddress(t: Pick<TargetInfo, 'host' | 'port' | 'database'>): string {
  return `${t.host}:${t.port}/${t.database}`;
}
