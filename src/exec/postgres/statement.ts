// Sending one statement and reading its result without holding it in memory:
// row-returning statements stream through pg-cursor in batches, and only the
// first `keepRows` rows are kept while every row is counted.
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { InputValue } from '../../sql/index.js';

export const BATCH_ROWS = 1000;

export interface StatementOutcome {
  /** The server's command tag as psql prints it ("CREATE INDEX", "INSERT 0 3", "SELECT 42"); null for an empty query. */
  tag: string | null;
  /** The tag without its counts: "CREATE INDEX", "INSERT". */
  command: string | null;
  /** Rows affected or returned, as the server's command tag says; null when it says none. */
  rowCount: number | null;
  /** Column names when the statement returned rows (possibly zero of them); else null. */
  columns: string[] | null;
  /** The first keepRows rows, as arrays in column order. */
  rows: unknown[][];
  /** Every row the statement returned, counted. */
  total: number;
}

export interface SendOptions {
  /** Bind parameters; null sends the text alone (simple protocol). */
  params: InputValue[] | null;
  keepRows: number;
  /** From the parser: false means no rows can come back, so no cursor is needed. */
  returnsRows: boolean | null;
}

/** The parts of pg's Result that pg-cursor fills in but does not type. */
interface CursorResult {
  rowCount: number | null;
  fields: { name: string }[];
}

export async function sendStatement(client: pg.Client, text: string, options: SendOptions): Promise<StatementOutcome> {
  // pg keeps only the first word of a tag ("CREATE" for "CREATE INDEX"), so
  // the raw tag is read off the wire; the last one is the statement's.
  let tag: string | null = null;
  const onComplete = (msg: { text?: string }) => {
    tag = msg.text ?? null;
  };
  client.connection.on('commandComplete', onComplete);
  try {
    const outcome = options.returnsRows === false ? await sendPlain(client, text, options) : await sendWithCursor(client, text, options);
    return withTag(outcome, tag);
  } finally {
    client.connection.off('commandComplete', onComplete);
  }
}

type Untagged = Omit<StatementOutcome, 'tag' | 'command'>;

function withTag(outcome: Untagged, raw: string | null): StatementOutcome {
  if (raw === null) return { ...outcome, tag: null, command: null };
  const command = raw.replace(/(\s+\d+)+$/, '');
  // Through a cursor, a tag's count ("SELECT 0", "INSERT 0 0") covers only the
  // last batch fetched; rows came back, so their count is the number that matters.
  if (outcome.columns) {
    return { ...outcome, rowCount: outcome.total, tag: /\d$/.test(raw) ? raw.replace(/\d+$/, String(outcome.total)) : raw, command };
  }
  return { ...outcome, tag: raw, command };
}

/** A statement that returns no rows: one round trip. Without params it goes by the
 *  simple protocol, where multi-command utility statements are allowed. */
async function sendPlain(client: pg.Client, text: string, options: SendOptions): Promise<Untagged> {
  const config: pg.QueryArrayConfig = { text, rowMode: 'array', ...(options.params ? { values: options.params } : {}) };
  const raw: unknown = await corked(client, () => client.query(config));
  // Several commands in one simple-protocol string come back as an array: the last one speaks for the statement.
  const results = (Array.isArray(raw) ? raw : [raw]) as pg.QueryArrayResult[];
  const last = results[results.length - 1];
  const columns = last.fields?.length ? last.fields.map((f) => f.name) : null;
  const rows = columns ? last.rows.slice(0, options.keepRows) : [];
  return { rowCount: last.rowCount ?? null, columns, rows, total: columns ? last.rows.length : 0 };
}

async function sendWithCursor(client: pg.Client, text: string, options: SendOptions): Promise<Untagged> {
  const cursor = new Cursor<unknown[]>(text, options.params ?? undefined, { rowMode: 'array' });
  corked(client, () => client.query(cursor));
  const rows: unknown[][] = [];
  let total = 0;
  for (;;) {
    const batch = await cursor.read(BATCH_ROWS);
    total += batch.length;
    for (const row of batch) {
      if (rows.length >= options.keepRows) break;
      rows.push(row);
    }
    if (batch.length < BATCH_ROWS) break;
  }
  // pg-cursor keeps the row description and counts on its (untyped) _result.
  const result = (cursor as unknown as { _result: CursorResult })._result;
  const columns = result.fields.length ? result.fields.map((f) => f.name) : null;
  return { rowCount: result.rowCount ?? null, columns, rows, total };
}

/**
 * pg writes each protocol message with a write(2) of its own: a statement
 * through a cursor is five (Parse, Bind, Describe, Execute, Flush). Sending
 * them as one costs one system call and one packet instead.
 */
function corked<T>(client: pg.Client, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    process.nextTick(() => stream?.uncork?.());
  }
}
