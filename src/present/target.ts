// The pinned target in words, one wording for the header, the plain output,
// the summary left in the terminal and the reports:
//   postgres@127.0.0.1:5432/app · PostgreSQL 15.18 · primary
// The screen colours the parts (the database bold, a replica in warning
// colour) and drops the login, then the address, when the terminal is narrow.
import type { TargetChange, TargetInfo } from '../exec/postgres/target.js';

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

/** How the target seen now differs from the one pinned, one phrase per change: "database is now other (was app)". */
export function targetChangeWords(c: TargetChange): string {
  switch (c.what) {
    case 'address':
      return `the server is ${c.now} (was ${c.was})`;
    case 'database':
      return `database is now ${c.now} (was ${c.was})`;
    case 'user':
      return `connected as ${c.now} (was ${c.was})`;
    case 'cluster':
      return `it is another database cluster (system identifier ${c.now}, was ${c.was})`;
    case 'version':
      return `server version is now ${c.now} (was ${c.was})`;
    case 'role':
      return c.now === 'replica' ? 'the server is now a replica (read-only standby)' : 'the server is now a primary (it was a replica)';
    case 'started':
      return `the server restarted or failed over (started at ${c.now}, was ${c.was})`;
    case 'backend':
      return `the session reconnected (backend ${c.now}, was ${c.was})`;
  }
}

/** The changes joined for a sentence: "database is now other (was app); the server is now a replica (read-only standby)". */
export function targetChangesText(changes: readonly TargetChange[]): string {
  return changes.map(targetChangeWords).join('; ');
}
