// Turning what `pg` and the network throw into ExecErrors an operator can act
// on: what failed, where, and what to try. Never a stack trace, never a password.
import { redactUrl } from '../connection-url.js';
import { Secrets } from '../secrets.js';
import type { ExecError } from '../types.js';

/** Thrown by connect / recheckTarget / queryValues / timeQuery; carries the ExecError. */
export class ExecFailure extends Error {
  readonly error: ExecError;
  constructor(error: ExecError) {
    super(error.message);
    this.name = 'ExecFailure';
    this.error = error;
  }
}

export function isExecFailure(value: unknown): value is ExecFailure {
  return value instanceof ExecFailure;
}

/** The fields a PostgreSQL error (pg's DatabaseError) carries; all optional. */
export interface PgErrorFields {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
  severity?: string;
}

export function pgFields(err: unknown): PgErrorFields {
  return typeof err === 'object' && err !== null ? (err as PgErrorFields) : { message: String(err) };
}

/** SQLSTATEs meaning the server ended our session (admin shutdown, crash, terminate). */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);
/** Node socket errors meaning the connection is gone or unreachable. */
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** Is this error the connection dying, rather than a statement failing? */
export function isConnectionLoss(err: unknown): boolean {
  const { code, message = '' } = pgFields(err);
  if (code && (SESSION_ENDED.has(code) || SOCKET_CODES.has(code))) return true;
  return /Connection terminated|not queryable|timeout expired|socket hang up/i.test(message);
}

/** The connection broke while the session was in use (server restart, terminate, network). */
export function lostConnectionError(err: unknown, where: string): ExecError {
  const { code, message = 'connection lost' } = pgFields(err);
  const why =
    code === '57P01' ? 'the server terminated the session (pg_terminate_backend or a shutdown)'
    : code === '57P02' || code === '57P03' ? 'the server is crashing or restarting'
    : code === 'ECONNRESET' || /terminated unexpectedly/i.test(message) ? 'the connection was closed unexpectedly'
    : message;
  return {
    kind: 'connection',
    message: `Lost the connection to ${where}: ${why}.`,
    ...(code && !SOCKET_CODES.has(code) ? { sqlstate: code } : {}),
  };
}

/** A failure to open a connection, with the likely cause and the next thing to check. */
export function connectError(err: unknown, where: string, password?: string): ExecError {
  const { code, message: raw = String(err) } = pgFields(err);
  const message = scrub(raw, password);
  const check = 'Check --db / DATABASE_URL (or the PG* variables)';
  let text: string;
  switch (code) {
    case 'ECONNREFUSED':
      text = `Could not connect to ${where}: connection refused. Is the server running and listening on that host and port? ${check}.`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      text = `Could not connect to ${where}: the host name does not resolve. ${check}.`;
      break;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      text = `Could not connect to ${where}: the host is unreachable (${code}). Is there a firewall or VPN in the way? ${check}.`;
      break;
    case 'ENOENT':
      text = `Could not connect to ${where}: no server socket at that path. Is the server running? ${check}.`;
      break;
    case '28P01':
      text = `Could not log in to ${where}: ${message}. Check the user and password in --db / DATABASE_URL / PGPASSWORD.`;
      break;
    case '28000':
      text = `The server at ${where} refused the login: ${message}. Check pg_hba.conf on the server, or the user, database and sslmode you connect with.`;
      break;
    case '3D000':
      text = `Connected to the server, but ${message}. Check the database name in --db / DATABASE_URL.`;
      break;
    case '53300':
      text = `The server at ${where} has no free connection slots (${message}). Try again later, or ask who holds the connections.`;
      break;
    case '57P03':
      text = `The server at ${where} is not accepting connections yet (${message}). It is starting up, shutting down or in recovery; try again shortly.`;
      break;
    default:
      if (/Connection terminated/i.test(message)) {
        text = `Could not connect to ${where}: the connection closed before the server answered. Is the server running and reachable there? ${check}.`;
      } else if (/timeout expired/i.test(message)) {
        text = `Could not connect to ${where}: no answer within the connection timeout. Is the server up and reachable? ${check}.`;
      } else if (/password must be a string|SASL|no password/i.test(message)) {
        text = `The server at ${where} asked for a password, but none was given. Put it in the URL or in PGPASSWORD (or ~/.pgpass).`;
      } else if (/ssl/i.test(message)) {
        text = `Could not connect to ${where}: ${message}. Check the sslmode in --db / DATABASE_URL (e.g. ?sslmode=disable for a local server, require for a managed one).`;
      } else {
        text = `Could not connect to ${where}: ${message}. Is the server running? ${check}.`;
      }
  }
  // The library's words were masked above; the address and advice are ours, built without the password
  // (masking them would turn "127.0.0.1:5432" into "127.0.0.1:***" when the password is 5432).
  return { kind: 'connection', message: redactUrl(text), ...(code && /^[0-9A-Z]{5}$/.test(code) ? { sqlstate: code } : {}) };
}

/** Remove a known secret from text that came back from a library (see exec/secrets.ts for how). */
export function scrub(text: string, secret?: string): string {
  return secret ? new Secrets([secret]).text(text) : text;
}

/** Any other throw, turned into an ExecError (used for bugs and surprises; no stack). */
export function internalError(err: unknown): ExecError {
  if (isExecFailure(err)) return err.error;
  return { kind: 'internal', message: `Internal error: ${pgFields(err).message ?? String(err)}` };
}
