// Everything about a step's SQL that can be refused without the server:
// syntax, placeholders, inputs, COPY from the client. Refusing here means a
// broken step never half-runs.
import { bindPlaceholders, ensureParser, parseTreeOf, splitSql } from '../../sql/index.js';
import type { BoundSql, InputValue, SqlStatement } from '../../sql/index.js';
import type { ExecError } from '../types.js';
import { internalError } from './errors.js';
import { shorten } from './plan.js';

export type PreparedStep = { statements: SqlStatement[]; bound: BoundSql[] } | { error: ExecError };

export async function prepareStep(source: string, inputs: Record<string, InputValue>): Promise<PreparedStep> {
  await ensureParser();
  let statements: SqlStatement[];
  try {
    statements = splitSql(source);
  } catch (err) {
    return { error: positionedError(err) };
  }
  const bound: BoundSql[] = [];
  for (const [index, stmt] of statements.entries()) {
    const at = { statementIndex: index, statement: shorten(stmt.text) };
    if (stmt.kind === 'copy' && /\b(from\s+stdin|to\s+stdout)\b/i.test(stmt.text)) {
      return {
        error: {
          kind: 'sql',
          message: `COPY ... FROM STDIN / TO STDOUT needs a client-side data stream, which a SQL step does not have. Use COPY with a file on the server, or psql's \\copy in a shell step.`,
          ...at,
          line: stmt.line,
          column: stmt.column,
        },
      };
    }
    try {
      bound.push(bindPlaceholders(stmt.text, inputs, { line: stmt.line, column: stmt.column, tree: parseTreeOf(stmt) }));
    } catch (err) {
      return { error: { ...positionedError(err), ...at } };
    }
  }
  return { statements, bound };
}

/**
 * The SQL module's SqlSyntaxError (reported like the server would, SQLSTATE
 * 42601) or PlaceholderError (an unknown input or a misplaced {{ }}: kind 'input').
 */
function positionedError(err: unknown): ExecError {
  const e = err as { name?: string; message?: string; line?: number; column?: number };
  if (typeof e?.line !== 'number') return internalError(err);
  const where = { line: e.line, ...(typeof e.column === 'number' ? { column: e.column } : {}) };
  if (e.name === 'PlaceholderError') return { kind: 'input', message: e.message ?? 'unusable placeholder', ...where };
  return { kind: 'sql', sqlstate: '42601', message: e.message ?? 'syntax error', ...where };
}
