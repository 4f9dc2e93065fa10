// Turning what `pg` and the network throw into ExecErrors an operator can act
// on: what failed, where, and what to try. Never a stack trace, never a password.
import { redactUrl } from '../connection-url.js';
import { Secrets } from '../secrets.js';
import type { ConnectProblem, ExecError, LostConnection } from '../types.js';
import { connectWords, lostConnectionWords } from '../../present/connection.js';

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
  const cause: LostConnection['cause'] =
    code === '57P01' ? 'terminated'
    : code === '57P02' || code === '57P03' ? 'restarting'
    : code === 'ECONNRESET' || /terminated unexpectedly/i.test(message) ? 'closed'
    : 'other';
  return {
    kind: 'connection',
    message: lostConnectionWords({ cause, where, server: message }),
    ...(code && !SOCKET_CODES.has(code) ? { sqlstate: code } : {}),
  };
}

/** What went wrong opening a connection, as the library and the server said it (the password masked). */
export function connectProblem(err: unknown, where: string, password?: string): ConnectProblem {
  const { code, message: raw = String(err) } = pgFields(err);
  const server = scrub(raw, password);
  const of = (cause: ConnectProblem['cause']): ConnectProblem => ({ cause, where, server, ...(code ? { code } : {}) });
  switch (code) {
    case 'ECONNREFUSED':
      return of('refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return of('unresolved');
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return of('unreachable');
    case 'ENOENT':
      return of('no-socket');
    case '28P01':
      return of('bad-password');
    case '28000':
      return of('login-refused');
    case '3D000':
      return of('no-database');
    case '53300':
      return of('full');
    case '57P03':
      return of('not-ready');
  }
  if (/Connection terminated/i.test(server)) return of('closed');
  if (/timeout expired/i.test(server)) return of('timeout');
  if (/password must be a string|SASL|no password/i.test(server)) return of('no-password');
  if (/ssl/i.test(server)) return of('ssl');
  return of('other');
}

/** A failure to open a connection, with the likely cause and the next thing to check (present/connection words it). */
export function connectError(err: unknown, where: string, password?: string): ExecError {
  const problem = connectProblem(err, where, password);
  const { code } = problem;
  // The library's words were masked above; the address and advice are ours, built without the password
  // (masking them would turn "127.0.0.1:5432" into "127.0.0.1:***" when the password is 5432).
  return { kind: 'connection', message: redactUrl(connectWords(problem)), ...(code && /^[0-9A-Z]{5}$/.test(code) ? { sqlstate: code } : {}) };
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
