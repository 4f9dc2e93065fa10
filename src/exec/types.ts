// The contract between executors (which do I/O) and everything else.
// Executors report what happens as ExecEvents while they run, and finish with
// one ActionResult that the checks evaluate. Nothing here does I/O.

/** Something that happened while an action ran, reported as it happens. */
export type ExecEvent =
  | { type: 'statement_started'; index: number; total: number; text: string; line: number; file?: string }
  | { type: 'statement_finished'; index: number; command: string; rowCount: number | null; durationMs: number }
  | { type: 'notice'; severity: string; message: string; detail?: string; hint?: string }
  | { type: 'output'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'rows'; columns: string[]; rows: unknown[][]; total: number; truncated: boolean }
  | { type: 'info'; message: string };

export type ExecErrorKind = 'sql' | 'shell' | 'connection' | 'timeout' | 'cancelled' | 'input' | 'internal';

/** A failure of an action, in words an operator can act on. Never a stack trace. */
export interface ExecError {
  kind: ExecErrorKind;
  message: string;
  sqlstate?: string;
  detail?: string;
  hint?: string;
  where?: string;
  /** 0-based index of the statement that failed, for SQL. */
  statementIndex?: number;
  /** The failing statement's text (may be shortened). */
  statement?: string;
  /** 1-based line and column in the step's SQL (or its sql_file), when known. */
  line?: number;
  column?: number;
  file?: string;
  exitCode?: number;
}

export interface StatementRecord {
  index: number;
  text: string;
  line: number;
  command: string;
  rowCount: number | null;
  durationMs: number;
}

/** Rows are kept only up to this many per result; the count is always exact. */
export const KEPT_ROWS = 200;
/** Output text kept for checks and display, in characters (head is kept, and the tail). */
export const KEPT_OUTPUT_CHARS = 256 * 1024;

/** What an action produced, for the checks to judge. */
export interface ActionResult {
  ok: boolean;
  /** Columns and the first KEPT_ROWS rows of the last statement that returned rows. */
  columns: string[];
  rows: Record<string, unknown>[];
  /** Exact number of rows of that result (or affected rows when none returned). */
  rowCount: number;
  /** The notices' texts, kept only when asked for (a notices check): a storm of 100,000 would hold ~16 MiB. */
  notices: string[];
  /** Shell: stdout and stderr interleaved (bounded). SQL: the rows rendered as text when small. */
  output: string;
  exitCode?: number;
  durationMs: number;
  statements: StatementRecord[];
  error?: ExecError;
}

export type ExecListener = (event: ExecEvent) => void;

export function emptyResult(): ActionResult {
  return { ok: true, columns: [], rows: [], rowCount: 0, notices: [], output: '', durationMs: 0, statements: [] };
}
