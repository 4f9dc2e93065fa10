// Sending one statement and reading its result without holding it in memory:
// the rows stream in as the server sends them; the first `keepRows` are kept
// and every one is counted. One round trip per statement, as psql's.
import pg from './pg.js';
import type { InputValue } from '../../sql/index.js';
import { KEPT_VALUE_CHARS } from '../types.js';

export interface StatementOutcome {
  /** The server's command tag as psql prints it ("CREATE INDEX", "INSERT 0 3", "SELECT 42"); null for an empty query. */
  tag: string | null;
  /** The tag without its counts: "CREATE INDEX", "INSERT". */
  command: string | null;
  /** Rows affected or returned, as the server's command tag says; null when it says none. */
  rowCount: number | null;
  /** Column names when the statement returned rows (possibly zero of them); else null. */
  columns: string[] | null;
  /** The columns' type OIDs (how psql aligns them), when rows came back. */
  types: number[] | null;
  /** The first keepRows rows, as arrays in column order, typed (for the checks). */
  rows: unknown[][];
  /** The same rows as the server's text of each value (null for NULL): what psql prints. */
  text: (string | null)[][];
  /** Every row the statement returned, counted. */
  total: number;
}

export interface SendOptions {
  /** Bind parameters; null sends the text alone (simple protocol). */
  params: InputValue[] | null;
  keepRows: number;
}

export function sendStatement(client: pg.Client, text: string, options: SendOptions): Promise<StatementOutcome> {
  return send(client, text, options);
}

/** A command tag without its counts ("INSERT 0 3" → "INSERT"). */
function commandOf(tag: string): string {
  return tag.replace(/(\s+\d+)+$/, '');
}

/**
 * One statement by pg's own Query, so one round trip: without parameters by
 * the simple protocol (where multi-command utility statements are allowed),
 * with them by the extended one. Only the rows are handled differently (see
 * BoundedQuery).
 */
function send(client: pg.Client, text: string, options: SendOptions): Promise<StatementOutcome> {
  return new Promise((resolve, reject) => {
    const query = new BoundedQuery({ text, rowMode: 'array', ...(options.params ? { values: options.params } : {}) }, options.keepRows, (err) =>
      err ? reject(err) : resolve(query.outcome()),
    );
    client.query(query as unknown as pg.Submittable);
  });
}

/** pg's Query internals this subclass relies on (pg 8: lib/query.js, lib/result.js). */
interface QueryInternals {
  _accumulateRows: boolean;
  _canceledDueToError: unknown;
  _result: { parseRow(fields: unknown[]): unknown[]; fields: { name: string }[]; rowCount: number | null };
}

/**
 * pg's Query keeps every row of a result in memory; this one keeps the first
 * `keepRows` and counts the rest without even decoding them, as they arrive
 * (a million rows stream through in constant memory: the socket is read as
 * fast as rows are counted, and TCP holds the server back otherwise). Several
 * results (a multi-command string) are possible; the last one speaks for the
 * statement.
 */
class BoundedQuery extends (pg.Query as unknown as new (config: object, values: undefined, callback: (err: Error | null) => void) => object) {
  private kept: unknown[][] = [];
  private keptText: (string | null)[][] = [];
  private counted = 0;
  private columns: string[] | null = null;
  private types: number[] | null = null;
  /**
   * The server's raw command tag: pg keeps only its first word ("CREATE" for
   * "CREATE INDEX"), so it is taken from the message here; the last one is the
   * statement's. (Read by the query itself, not by a listener on the
   * connection added and removed for every statement.)
   */
  private tag: string | null = null;

  constructor(config: object, private readonly keepRows: number, callback: (err: Error | null) => void) {
    super(config, undefined, callback);
  }

  private get internals(): QueryInternals {
    return this as unknown as QueryInternals;
  }

  handleRowDescription(msg: { fields: { name: string; dataTypeID: number }[] }): void {
    (pg.Query.prototype as unknown as { handleRowDescription(m: unknown): void }).handleRowDescription.call(this, msg);
    this.internals._accumulateRows = false;
    this.kept = [];
    this.keptText = [];
    this.counted = 0;
    this.columns = msg.fields.map((f) => f.name);
    this.types = msg.fields.map((f) => f.dataTypeID);
  }

  handleCommandComplete(msg: { text?: string }, connection: unknown): void {
    this.tag = msg.text ?? null;
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: unknown): void }).handleCommandComplete.call(this, msg, connection);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    const q = this.internals;
    if (q._canceledDueToError) return;
    this.counted++;
    if (this.kept.length >= this.keepRows) return;
    try {
      this.kept.push(q._result.parseRow(msg.fields));
      // Results come in text format: each field is the server's text, as psql prints it.
      this.keptText.push(msg.fields.map((f) => (f === null ? null : keptValue(String(f)))));
    } catch (err) {
      // As pg does: the error is reported once the server is ready again.
      q._canceledDueToError = err;
    }
  }

  outcome(): StatementOutcome {
    const result = this.internals._result;
    const tag = this.tag;
    return {
      rowCount: result.rowCount ?? null,
      columns: this.columns,
      types: this.types,
      rows: this.kept,
      text: this.keptText,
      total: this.columns ? this.counted : 0,
      tag,
      command: tag === null ? null : commandOf(tag),
    };
  }
}

/** A value's text, at most KEPT_VALUE_CHARS characters (never half of a surrogate pair). */
function keptValue(text: string): string {
  if (text.length <= KEPT_VALUE_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text[KEPT_VALUE_CHARS - 1]) ? KEPT_VALUE_CHARS - 1 : KEPT_VALUE_CHARS;
  return text.slice(0, end);
}
