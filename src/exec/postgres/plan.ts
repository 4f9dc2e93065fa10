// Deciding, before anything runs, whether a step's statements go in one
// transaction. A step is all-or-nothing when it can be; when it cannot
// (CREATE INDEX CONCURRENTLY, VACUUM, the step's own BEGIN/COMMIT...) the
// operator is told so up front, because a failure then leaves earlier
// statements committed.
import type { SqlStatement } from '../../sql/index.js';
import type { ExecError } from '../types.js';

export type TransactionPlan = { wrap: boolean; info?: string } | { error: ExecError };

export function planTransaction(statements: SqlStatement[], mode: 'auto' | 'always' | 'never'): TransactionPlan {
  if (mode === 'never') return { wrap: false };
  // The parser names why a statement cannot be wrapped: CONCURRENTLY, VACUUM,
  // ALTER SYSTEM, or the step's own BEGIN/COMMIT.
  const index = statements.findIndex((s) => s.noTransaction);
  if (index < 0) return { wrap: true };
  const stmt = statements[index];
  const total = statements.length;
  if (mode === 'always') {
    return refuse(stmt, index, total, `but this step says \`transaction: always\`. Use \`transaction: auto\` or \`never\`, or move the statement to a step of its own.`);
  }
  const others = total > 1 ? ' Each statement of this step commits on its own; if one fails, the ones before it stay done.' : '';
  return { wrap: false, info: `Running without a transaction: ${statementLabel(stmt, index, total)} — ${stmt.noTransaction}.${others}` };
}

function refuse(stmt: SqlStatement, index: number, total: number, why: string): TransactionPlan {
  return {
    error: {
      kind: 'sql',
      // What the server would answer if we sent it anyway: "cannot run inside a transaction block".
      sqlstate: '25001',
      message: `Nothing was run: ${statementLabel(stmt, index, total)} — ${stmt.noTransaction} — ${why}`,
      statementIndex: index,
      statement: shorten(stmt.text),
      line: stmt.line,
      column: stmt.column,
    },
  };
}

/** "statement 2 of 3 (line 7, CREATE INDEX)" — how messages point at a statement. */
export function statementLabel(stmt: SqlStatement, index: number, total: number, file?: string): string {
  const place = file ? `${file}:${stmt.line}` : `line ${stmt.line}`;
  return `statement ${index + 1} of ${total} (${place}, ${stmt.command})`;
}

/** Statement text for an error: long migrations are cut in the middle. */
export function shorten(text: string, max = 400): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const half = Math.floor((max - 5) / 2);
  return `${t.slice(0, half)} ... ${t.slice(t.length - half)}`;
}
