// Deciding, before anything runs, whether a step's statements go in one
// transaction. A step is all-or-nothing when it can be; when it cannot
// (CREATE INDEX CONCURRENTLY, VACUUM, the step's own BEGIN/COMMIT...) the
// operator is told so up front, because a failure then leaves earlier
// statements committed.
import type { SqlStatement } from '../../sql/index.js';
import type { ExecError } from '../types.js';

export type TransactionPlan = { wrap: boolean; info?: string } | { error: ExecError };

/** Statements that open or close transactions themselves: wrapping them would break them. */
const TRANSACTION_CONTROL = /^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|ABORT|COMMIT PREPARED|ROLLBACK PREPARED|PREPARE TRANSACTION)\b/i;

function controlsTransaction(stmt: SqlStatement): boolean {
  if (stmt.kind === 'TransactionStmt') {
    // SAVEPOINT / RELEASE / ROLLBACK TO work inside our transaction.
    return !/^\s*(savepoint|release|rollback\s+(work\s+|transaction\s+)?to)\b/i.test(stmt.text);
  }
  return TRANSACTION_CONTROL.test(stmt.command) && !/^\s*(savepoint|release|rollback\s+(work\s+|transaction\s+)?to)\b/i.test(stmt.text);
}

export function planTransaction(statements: SqlStatement[], mode: 'auto' | 'always' | 'never'): TransactionPlan {
  if (mode === 'never') return { wrap: false };
  const noTx = statements.findIndex((s) => s.noTransaction);
  const ownTx = statements.findIndex(controlsTransaction);
  const total = statements.length;

  if (mode === 'always') {
    if (noTx >= 0) {
      const s = statements[noTx];
      return refuse(s, noTx, total, `cannot run inside a transaction (${s.noTransaction}), but this step says \`transaction: always\`. Use \`transaction: auto\` or \`never\`, or move the statement to a step of its own.`);
    }
    if (ownTx >= 0) {
      const s = statements[ownTx];
      return refuse(s, ownTx, total, `controls the transaction itself (${s.command}), but this step says \`transaction: always\` and already runs in one. Remove it, or use \`transaction: never\`.`);
    }
    return { wrap: true };
  }

  if (noTx >= 0) {
    const s = statements[noTx];
    const others = total > 1 ? ' Each statement of this step commits on its own; if one fails, the ones before it stay done.' : '';
    return { wrap: false, info: `Running without a transaction: ${statementLabel(s, noTx, total)} cannot run inside one (${s.noTransaction}).${others}` };
  }
  if (ownTx >= 0) {
    const s = statements[ownTx];
    return { wrap: false, info: `Running without an outer transaction: the step manages its own (${statementLabel(s, ownTx, total)} is ${s.command}).` };
  }
  return { wrap: true };
}

function refuse(stmt: SqlStatement, index: number, total: number, why: string): TransactionPlan {
  return {
    error: {
      kind: 'sql',
      // What the server would answer if we sent it anyway: "cannot run inside a transaction block".
      sqlstate: '25001',
      message: `Nothing was run: ${statementLabel(stmt, index, total)} ${why}`,
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
