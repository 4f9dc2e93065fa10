// A connection that could not be opened, or broke while in use, in words: what
// failed, where, and the next thing to check. The executor classifies what
// `pg` and the network threw (exec/postgres/errors: ConnectProblem,
// LostConnection); the advice is worded here, once, for every renderer.
import type { ConnectProblem, LostConnection } from '../exec/types.js';

const CHECK = 'Check --db / DATABASE_URL (or the PG* variables)';

export function connectWords(p: ConnectProblem): string {
  const { where, server } = p;
  switch (p.cause) {
    case 'refused':
      return `Could not connect to ${where}: connection refused. Is the server running and listening on that host and port? ${CHECK}.`;
    case 'unresolved':
      return `Could not connect to ${where}: the host name does not resolve. ${CHECK}.`;
    case 'unreachable':
      return `Could not connect to ${where}: the host is unreachable (${p.code}). Is there a firewall or VPN in the way? ${CHECK}.`;
    case 'no-socket':
      return `Could not connect to ${where}: no server socket at that path. Is the server running? ${CHECK}.`;
    case 'bad-password':
      return `Could not log in to ${where}: ${server}. Check the user and password in --db / DATABASE_URL / PGPASSWORD.`;
    case 'login-refused':
      return `The server at ${where} refused the login: ${server}. Check pg_hba.conf on the server, or the user, database and sslmode you connect with.`;
    case 'no-database':
      return `Connected to the server, but ${server}. Check the database name in --db / DATABASE_URL.`;
    case 'full':
      return `The server at ${where} has no free connection slots (${server}). Try again later, or ask who holds the connections.`;
    case 'not-ready':
      return `The server at ${where} is not accepting connections yet (${server}). It is starting up, shutting down or in recovery; try again shortly.`;
    case 'closed':
      return `Could not connect to ${where}: the connection closed before the server answered. Is the server running and reachable there? ${CHECK}.`;
    case 'timeout':
      return `Could not connect to ${where}: no answer within the connection timeout. Is the server up and reachable? ${CHECK}.`;
    case 'no-password':
      return `The server at ${where} asked for a password, but none was given. Put it in the URL or in PGPASSWORD (or ~/.pgpass).`;
    case 'ssl':
      return `Could not connect to ${where}: ${server}. Check the sslmode in --db / DATABASE_URL (e.g. ?sslmode=disable for a local server, require for a managed one).`;
    case 'not-a-url':
      return `The database address must be a URL like postgres://user@host:5432/database, not "${where}". Check --db / DATABASE_URL.`;
    case 'bad-url':
      return `The database URL ${where} is not valid (${server}). Expected postgres://user@host:port/database.`;
    case 'other':
      return `Could not connect to ${where}: ${server}. Is the server running? ${CHECK}.`;
  }
}

export function lostConnectionWords(l: LostConnection): string {
  const why =
    l.cause === 'terminated' ? 'the server terminated the session (pg_terminate_backend or a shutdown)'
    : l.cause === 'restarting' ? 'the server is crashing or restarting'
    : l.cause === 'closed' ? 'the connection was closed unexpectedly'
    : l.server;
  return `Lost the connection to ${l.where}: ${why}.`;
}
