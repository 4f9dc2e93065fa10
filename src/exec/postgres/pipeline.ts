// A transaction's statements without a round trip each. BEGIN and every
// statement go out in one write, each as its own simple-protocol Query
// message, without waiting for any answer; the server runs them in order and
// answers each with its rows, notices, CommandComplete (or error) and
// ReadyForQuery. So each statement's tag, rows, notices, error (its position
// is within its own text) and time are known exactly as one by one, as the
// answers arrive. The COMMIT goes after the answers, on its own: until then
// the server cannot commit, which is what the journal's commit_started means
// (a runner killed mid-step leaves a transaction that never commits).
//
// Why not one Query message holding every statement: the server buffers the
// answers of such a message until its end, so the statement running (and each
// one's time) would not be known while it runs, and the commit would happen
// at the end of that message, before the journal could say it was under way.
//
// The messages go out in windows, not all in one write: a 100,000-INSERT data
// fix made one 10 MB buffer that lived until the server had read the last of
// it. A window of the next statements is written whenever fewer than half a
// window are still unanswered, so the server never waits for us, and nothing
// more is sent once a statement failed (the server would refuse the rest as
// "transaction aborted"). It is still one transaction: BEGIN went first, and
// the COMMIT goes after every answer, as before.
import pg from './pg.js';
import type { BoundSql, SqlStatement } from '../../sql/index.js';
import type { StatementOutcome } from './statement.js';

/** Why a step's statements cannot be sent ahead of their answers, or null when they can. */
export function unpipelinable(statements: SqlStatement[], bound: BoundSql[], from: number): string | null {
  if (statements.length - from < 2) return 'one statement is one round trip already';
  for (let i = from; i < statements.length; i++) {
    if (bound[i].params.length > 0) return 'bound inputs need the extended protocol, one statement at a time';
    // The step's own transaction control runs one by one, as written.
    if (statements[i].kind === 'transaction' || statements[i].noTransaction) return 'transaction control';
  }
  return null;
}

/** What the caller learns as the answers arrive (inside pg's socket handler: these must not throw). */
export interface PipelineHooks {
  /** Statement `i` (index into the step) was answered: its outcome, and its time since the answer before it. */
  finished(i: number, outcome: StatementOutcome, durationMs: number): void;
  /** Statement `i` is now the one the server runs (after the last: none). */
  started(i: number): void;
}

/** The first error of the pipeline and the statement it belongs to (the ones after it were refused as "transaction aborted"). */
export class PipelineError extends Error {
  constructor(readonly index: number, readonly error: unknown) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * BEGIN, then statements from..end, sent at once. Resolves when every answer
 * is in, the transaction open; rejects with a PipelineError naming the first
 * statement that failed (the transaction is then aborted: the caller rolls it
 * back), or with the connection's error when it is lost.
 */
export function sendPipeline(client: pg.Client, bound: BoundSql[], from: number, keepRows: number, hooks: PipelineHooks, window: PipelineWindow = PIPELINE_WINDOW): Promise<void> {
  return new Promise((resolve, reject) => {
    const query = new PipelineQuery(client, bound, from, keepRows, hooks, window, (err) => (err ? reject(err) : resolve()));
    client.query(query as unknown as pg.Submittable);
  });
}

/** How many statements (and about how many bytes of them) one write of the pipeline holds; at least one statement. */
export interface PipelineWindow {
  statements: number;
  bytes: number;
}

/** Enough that the server always has hundreds of statements waiting; small beside a data fix (10 MB for 100,000 INSERTs). */
export const PIPELINE_WINDOW: PipelineWindow = { statements: 1000, bytes: 256 * 1024 };

/** pg's internals this relies on (pg 8: lib/client.js, lib/query.js, lib/result.js). */
interface ClientInternals {
  _activeQuery: unknown;
  readyForQuery: boolean;
  connection: { stream: { write(data: Buffer): boolean } };
}
interface ResultLike {
  _types: unknown;
  parseRow(fields: unknown[]): unknown[];
  addFields(fields: unknown[]): void;
  addCommandComplete(msg: unknown): void;
  rowCount: number | null;
}
type ResultCtor = new (rowMode: string, types: unknown) => ResultLike;

/**
 * One pg Query standing for the whole pipeline. pg hands the connection to
 * the next query at each ReadyForQuery (and at each error); this one takes it
 * back until the last answer is in, so nothing else is sent in between.
 * Rows are kept up to `keepRows` per statement and counted beyond, as
 * BoundedQuery does; nothing is kept once reported.
 */
class PipelineQuery extends (pg.Query as unknown as new (config: object, values: undefined, callback: (err: Error | null) => void) => object) {
  /** Answers ended so far (ReadyForQuery): 0 is BEGIN's, k the statement from + k - 1's. */
  private done = 0;
  /** Messages written so far, counted as `done` is (BEGIN is the first). */
  private sent = 0;
  /** BEGIN and the statements from..end. */
  private readonly total: number;
  private stream: ClientInternals['connection']['stream'] | null = null;
  /** Statements in the last window written (fewer than window.statements when they were long). */
  private lastWindow = 0;
  private last = process.hrtime.bigint();
  private kept: unknown[][] = [];
  private keptText: (string | null)[][] = [];
  private counted = 0;
  private columns: string[] | null = null;
  private types: number[] | null = null;
  private failure: PipelineError | null = null;
  private readonly finish: (err: Error | null) => void;

  constructor(
    private readonly client: pg.Client,
    private readonly bound: BoundSql[],
    private readonly from: number,
    private readonly keepRows: number,
    private readonly hooks: PipelineHooks,
    private readonly window: PipelineWindow,
    callback: (err: Error | null) => void,
  ) {
    super({ text: 'BEGIN', rowMode: 'array' }, undefined, callback);
    this.finish = callback;
    this.total = 1 + bound.length - from;
  }

  /** Message k of the pipeline: BEGIN, then the statements' texts. */
  private textAt(k: number): string {
    return k === 0 ? 'BEGIN' : this.bound[this.from + k - 1].text;
  }

  private get result(): ResultLike {
    return (this as unknown as { _result: ResultLike })._result;
  }

  /** The statement (step index) whose answer is being read. */
  private get index(): number {
    return this.from + this.done - 1;
  }

  submit(connection: ClientInternals['connection']): null {
    this.stream = connection.stream;
    this.sendWindow();
    return null;
  }

  /**
   * The next window's Query messages, built into one buffer and written once: pg's writer would make a
   * buffer (and the stream a queue entry) per statement, 100,000 of them for a large data fix.
   */
  private sendWindow(): void {
    if (!this.stream || this.sent >= this.total || this.failure) return;
    const texts: string[] = [];
    let bytes = 0;
    while (this.sent + texts.length < this.total && texts.length < this.window.statements && (texts.length === 0 || bytes < this.window.bytes)) {
      const text = this.textAt(this.sent + texts.length);
      texts.push(text);
      bytes += text.length;
    }
    this.sent += texts.length;
    this.lastWindow = texts.length;
    this.stream.write(queryMessages(texts));
  }

  handleRowDescription(msg: { fields: { name: string; dataTypeID: number }[] }): void {
    const previous = this.result;
    // A fresh pg Result per statement, with the client's type parsers (values.ts).
    (this as unknown as { _result: ResultLike })._result = new (previous.constructor as ResultCtor)('array', previous._types);
    this.result.addFields(msg.fields);
    this.columns = msg.fields.map((f) => f.name);
    this.types = msg.fields.map((f) => f.dataTypeID);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    this.counted++;
    if (this.kept.length >= this.keepRows || this.failure) return;
    try {
      this.kept.push(this.result.parseRow(msg.fields));
      this.keptText.push(msg.fields.map((f) => (f === null ? null : String(f))));
    } catch (err) {
      // A value the type parser refused (pg reports it once the server is ready): the statement fails with it, and the rest are not reported.
      this.failure = new PipelineError(this.index, err);
    }
  }

  handleCommandComplete(msg: { text?: string }): void {
    const now = process.hrtime.bigint();
    const durationMs = Number(now - this.last) / 1e6;
    this.last = now;
    if (this.done === 0 || this.failure) return; // BEGIN's
    this.result.addCommandComplete(msg);
    const raw = msg.text ?? null;
    const outcome: StatementOutcome = {
      tag: raw,
      command: raw === null ? null : raw.replace(/(\s+\d+)+$/, ''),
      rowCount: this.result.rowCount ?? null,
      columns: this.columns,
      types: this.types,
      rows: this.kept,
      text: this.keptText,
      total: this.columns ? this.counted : 0,
    };
    this.kept = [];
    this.keptText = [];
    this.counted = 0;
    this.columns = null;
    this.types = null;
    this.result.rowCount = null;
    this.hooks.finished(this.index, outcome, durationMs);
  }

  handleEmptyQuery(): void {}

  handleError(err: Error): void {
    const severity = (err as { severity?: string }).severity;
    // The socket died, or the server ended the session (FATAL): no more answers come.
    if (!severity || severity === 'FATAL' || severity === 'PANIC') {
      this.end(err);
      return;
    }
    // The first error is the statement's; the ones after it only say the transaction is aborted.
    this.failure ??= new PipelineError(this.done === 0 ? this.from : this.index, err);
    this.kept = [];
    this.keptText = [];
    this.counted = 0;
    this.columns = null;
    this.types = null;
    this.keepConnection();
  }

  handleReadyForQuery(): void {
    this.done++;
    this.last = process.hrtime.bigint();
    // After a failure, only the answers already on their way are awaited.
    if (this.done < (this.failure ? this.sent : this.total)) {
      this.keepConnection();
      // The first statement was announced before anything was sent.
      if (!this.failure && this.index > this.from) this.hooks.started(this.index);
      if (this.sent - this.done <= Math.ceil(this.lastWindow / 2)) this.sendWindow();
      return;
    }
    this.end(this.failure);
  }

  private ended = false;
  private end(err: Error | null): void {
    if (this.ended) return;
    this.ended = true;
    this.finish(err);
  }

  /** pg let go of this query (at an error or a ReadyForQuery): more answers of it are on the way. */
  private keepConnection(): void {
    const c = this.client as unknown as ClientInternals;
    c._activeQuery = this;
    c.readyForQuery = false;
  }
}

/** Simple-protocol Query messages ('Q', length, the text, a NUL), one after another in one buffer. */
function queryMessages(texts: string[]): Buffer {
  let size = 0;
  for (const text of texts) size += 6 + Buffer.byteLength(text, 'utf8');
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const text of texts) {
    const start = at;
    out[at] = 0x51; // 'Q'
    at += 5;
    at += out.write(text, at, 'utf8');
    out[at++] = 0;
    out.writeInt32BE(at - start - 1, start + 1);
  }
  return out;
}
