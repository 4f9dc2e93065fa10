// What an action reported, one event at a time, in words: the statement that
// started, the command tag and time it finished with, a notice, a line a
// command printed, a note of the tool's, a result set (as a psql table, see
// table.ts). Plain output indents these; the screen colours them.
import type { ExecEvent } from '../exec/types.js';
import { duration } from './duration.js';
import { attemptText, queueText, traceText } from './locks.js';
import { oneLine } from './words.js';

/** psql-like "INSERT 0 1" / "CREATE INDEX 42"... the count only when the tag does not carry it already. */
export function commandTag(command: string, rowCount: number | null): string {
  return rowCount === null || /\d$/.test(command) ? command : `${command} ${rowCount}`;
}

/** "statement 1 of 3", "statements 1–3 of 5": the first n statements of a step. */
export function firstStatements(n: number, total: number): string {
  return n === 1 ? `statement 1 of ${total}` : `statements 1–${n} of ${total}`;
}

/** "committed: statements 1–3 of 5" — how far a step's work is committed. */
export function committedText(e: Extract<ExecEvent, { type: 'committed' }>): string {
  return e.through < 0 ? `committed: none of its ${e.total} statement${e.total === 1 ? '' : 's'}` : `committed: ${firstStatements(e.through + 1, e.total)}`;
}

/** "statement 4 took effect (its applied: query says so)". */
export function resolvedText(e: Extract<ExecEvent, { type: 'resolved' }>): string {
  const by = e.by === 'applied' ? 'its applied: query says so' : 'the operator says so (--in-flight)';
  return `statement ${e.index + 1}, in flight when the run lost it, ${e.applied ? 'took effect' : 'did not take effect'} (${by})`;
}

/** "NOTICE: relation exists, skipping" */
export function noticeWords(e: { severity: string; message: string }): string {
  return `${e.severity}: ${e.message}`;
}

/** One event as one line of words; a result set as its count (its table is drawn by table.ts). */
export function outputWords(e: ExecEvent): string {
  switch (e.type) {
    case 'statement_started':
      return oneLine(e.text, 200);
    case 'statement_finished':
      return `${commandTag(e.command, e.rowCount)} (${duration(e.durationMs)})`;
    case 'notice':
      return noticeWords(e);
    case 'output':
      return e.line;
    case 'info':
      return e.message;
    case 'rows':
      return e.total === 1 ? '(1 row)' : `(${e.total} rows)`;
    case 'commit_started':
      return 'COMMIT';
    case 'committed':
      return committedText(e);
    case 'resolved':
      return resolvedText(e);
    case 'lock_queue':
      return queueText(e.index, e.sample);
    case 'lock_attempt':
      return attemptText(e.attempt);
    case 'lock_trace':
      return traceText(e.trace);
  }
}
