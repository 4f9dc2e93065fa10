// One connection to the target database for a whole run: opened once, its
// target pinned and re-checkable, cancellable from outside, and never able to
// crash the process when the server goes away.
import { targetAddress } from '../../present/target.js';
import { connectWords } from '../../present/connection.js';
import pg from './pg.js';
import { redactUrl } from '../connection-url.js';
import { passwordOf } from '../secrets.js';
import type { ExecError } from '../types.js';
import { connectError, ExecFailure, isConnectionLoss, lostConnectionError, pgFields, scrub } from './errors.js';
import { TARGET_SQL, targetFromRow } from './target.js';
import type { TargetInfo } from './target.js';
import { typeParsers } from './values.js';

export type { TargetInfo } from './target.js';

export interface PgSession {
  readonly target: TargetInfo;
  /** For this module's executors only; renderers and the engine never touch it. */
  readonly client: pg.Client;
  /** Set once the connection has died; every later action fails with it. */
  readonly lost: ExecError | null;
  /** True while a transaction is open on the server (a failed one too), from the last ReadyForQuery. */
  readonly inTransaction: boolean;
  close(): Promise<void>;
  /** Cancel whatever statement this session is running, from a second connection. Safe to call any time, any number of times. */
  cancelCurrent(): Promise<void>;
  /** Ask the server again who it is (before a step that changes data); compare with targetDiff(). */
  recheckTarget(): Promise<TargetInfo>;
  /**
   * A second connection to the same target, for watching this one from the
   * outside (the lock guard, lock tracing). The caller ends it.
   */
  openSide(role: string): Promise<pg.Client>;
}

export interface ConnectOptions {
  applicationName?: string;
  /** How long to wait for the server to answer a new connection (default 10s). */
  connectTimeoutMs?: number;
  /**
   * Told at once how to give the connection up while it is being made (the socket is dropped, connect
   * rejects; nothing once it is open): a connection opened ahead that the run no longer needs. A plain
   * callback, not an AbortSignal: the first addEventListener of a process costs ~1-3 ms.
   */
  onConnecting?: (giveUp: () => void) => void;
}

class Session implements PgSession {
  target!: TargetInfo;
  lost: ExecError | null = null;
  private closing = false;
  private txStatus = 'I';
  private cancelling: Promise<void> | null = null;

  constructor(
    readonly client: pg.Client,
    private readonly url: string,
    private readonly where: string,
    private readonly options: ConnectOptions,
  ) {
    // Without a listener, a dropped connection is an uncaught 'error' event and
    // kills the process. Record it instead: the running action fails with it.
    client.on('error', (err) => this.markLost(err));
    // ReadyForQuery carries the server's transaction status ('I' idle, 'T' open,
    // 'E' failed): the one reliable way to know no transaction is left open.
    client.connection.on('readyForQuery', (msg: { status?: string }) => {
      if (msg.status) this.txStatus = msg.status;
    });
    client.on('end', () => {
      if (!this.closing) this.markLost(new Error('Connection terminated unexpectedly'));
    });
  }

  get inTransaction(): boolean {
    return this.txStatus !== 'I';
  }

  markLost(err: unknown): ExecError {
    // The server's own reason (57P01 terminate, 57P02 crash) may arrive just
    // before or after the socket closes: keep whichever says more.
    const next = lostConnectionError(err, this.where);
    if (!this.lost || (!this.lost.sqlstate && next.sqlstate)) this.lost = next;
    return this.lost;
  }

  async readTarget(): Promise<TargetInfo> {
    if (this.lost) throw new ExecFailure(this.lost);
    let row: Record<string, unknown>;
    try {
      row = (await this.client.query(TARGET_SQL)).rows[0];
    } catch (err) {
      if (isConnectionLoss(err) || this.lost) throw new ExecFailure(this.markLost(err));
      throw new ExecFailure({ kind: 'connection', message: `Could not read the target's identity from ${this.where}: ${pgFields(err).message}` });
    }
    return targetFromRow(row, this.client, redactUrl(this.url));
  }

  recheckTarget(): Promise<TargetInfo> {
    return this.readTarget();
  }

  cancelCurrent(): Promise<void> {
    // Concurrent calls share one attempt: a second Ctrl-C must not open a second connection.
    this.cancelling ??= this.cancelOnce().finally(() => {
      this.cancelling = null;
    });
    return this.cancelling;
  }

  private async cancelOnce(): Promise<void> {
    if (this.lost || this.closing || !this.target) return;
    // pg_cancel_backend cancels only the statement running at that moment; an
    // idle session ignores it, which is what makes repeating it harmless.
    const other = newClient(this.url, `${this.options.applicationName ?? 'runbook'} (cancel)`, 5000);
    other.on('error', () => {});
    try {
      await other.connect();
      await other.query('SELECT pg_cancel_backend($1)', [this.target.backendPid]);
    } catch {
      // Nothing more to do from here: the caller keeps the step waiting and may retry.
    } finally {
      await other.end().catch(() => {});
    }
  }

  async openSide(role: string): Promise<pg.Client> {
    const side = newClient(this.url, `${this.options.applicationName ?? 'runbook'} (${role})`, 5000);
    side.on('error', () => {});
    try {
      await side.connect();
    } catch (err) {
      await side.end().catch(() => {});
      throw err;
    }
    return side;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.client.end().catch(() => {});
  }
}

function newClient(url: string, applicationName: string, connectTimeoutMs: number): pg.Client {
  return new pg.Client({
    connectionString: url,
    application_name: applicationName,
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    types: typeParsers,
  } as pg.ClientConfig);
}

/** "host:port/database" for messages; a socket directory stands in for the host. */
function describeAddress(client: pg.Client): string {
  return redactUrl(targetAddress({ host: client.host, port: client.port, database: client.database ?? '' }));
}

/** Open the session and pin its target. Rejects with an ExecFailure of kind 'connection'. */
export async function connect(url: string, options: ConnectOptions = {}): Promise<PgSession> {
  // pg would read "host=db password=x" as a relative URL and dial a host named "base".
  if (!/^(postgres|postgresql|socket):/i.test(url.trim())) {
    throw new ExecFailure({ kind: 'connection', message: connectWords({ cause: 'not-a-url', where: redactUrl(url), server: '' }) });
  }
  let client: pg.Client;
  try {
    client = newClient(url, options.applicationName ?? 'runbook', options.connectTimeoutMs ?? 10_000);
  } catch (err) {
    const message = scrub(pgFields(err).message ?? String(err), passwordOf(url));
    throw new ExecFailure({ kind: 'connection', message: connectWords({ cause: 'bad-url', where: redactUrl(url), server: redactUrl(message) }) });
  }
  const where = describeAddress(client);
  const session = new Session(client, url, where, options);
  const password = typeof client.password === 'string' ? client.password : passwordOf(url);
  // An unreachable server would hold the process until the connect timeout: the socket is dropped instead.
  let connecting = true;
  options.onConnecting?.(() => void (connecting && client.connection.stream.destroy()));
  try {
    try {
      await client.connect();
    } catch (err) {
      await session.close();
      throw new ExecFailure(connectError(err, where, password));
    }
    try {
      session.target = await session.readTarget();
    } catch (err) {
      await session.close();
      throw err;
    }
  } finally {
    connecting = false;
  }
  return session;
}
