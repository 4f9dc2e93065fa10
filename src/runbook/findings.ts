// The lock model's findings for a runbook: each step's SQL (inline or
// sql_file) read in order, so a table created by an earlier step counts as
// new, with the step's (or the runbook's) lock_timeout, its transaction mode
// and its accept: list. Positions are the file's: the sql_file's own lines, or
// the YAML lines of inline SQL.

import { dirname, join } from 'node:path';
import { acceptComments } from '../sql/accept.js';
import { LockContext } from '../sql/locks.js';
import { DEFAULT_SERVER_VERSION_NUM, statementsFindings, type Finding } from '../sql/findings.js';
import { splitSql } from '../sql/split.js';
import type { Locator, PathKey } from './problems.js';
import type { RunbookData, Step } from './schema.js';

/** A finding placed in a file, with the step it belongs to. */
export interface RunbookFinding extends Finding {
  file: string;
  /** The step's id, and its procedure's id when it is a procedure's step; for a fix, the troubleshooting entry's id. */
  step: string;
  procedure?: string;
  /** Set when the SQL is not the step's own: its rollback, or a troubleshooting entry's fix. */
  part?: 'rollback' | 'fix';
}

/** The SQL of a rollback or fix, as far as findings need it. */
type SqlPart = Pick<Step, 'sql' | 'sql_file' | 'connection' | 'lock_timeout'> & { transaction?: Step['transaction'] };

/** Every step's findings. SQL that does not parse is skipped (lint reports it as a problem). */
export function runbookFindings(
  rb: RunbookData,
  sqlFiles: ReadonlyMap<string, string>,
  locate: Locator | undefined,
  file: string,
  serverVersionNum = DEFAULT_SERVER_VERSION_NUM,
): RunbookFinding[] {
  const out: RunbookFinding[] = [];
  const walk = (steps: Step[], base: PathKey[], procedure?: string) => {
    const context = new LockContext();
    steps.forEach((step, i) => {
      for (const f of stepFindings(rb, step, sqlFiles, serverVersionNum, context)) {
        out.push({ ...f, ...place(f, step, [...base, i], locate, file), step: step.id, ...(procedure ? { procedure } : {}) });
      }
      // The undo runs after the step (what it made exists), under the step's lock_timeout unless it has its own.
      const rollback = step.rollback;
      if (rollback && !step.irreversible) {
        const part: SqlPart = { ...rollback, lock_timeout: rollback.lock_timeout ?? step.lock_timeout };
        for (const f of partFindings(rb, part, sqlFiles, serverVersionNum, context.clone())) {
          out.push({ ...f, ...place(f, part, [...base, i, 'rollback'], locate, file), step: step.id, ...(procedure ? { procedure } : {}), part: 'rollback' });
        }
      }
    });
  };
  walk(rb.steps, ['steps']);
  rb.procedures.forEach((p, i) => walk(p.steps, ['procedures', i, 'steps'], p.id));
  // A fix can run at any step it matches: judged on its own, under the runbook's lock_timeout.
  (rb.troubleshooting ?? []).forEach((entry, i) => {
    if (!entry.fix) return;
    for (const f of partFindings(rb, entry.fix, sqlFiles, serverVersionNum, new LockContext())) {
      out.push({ ...f, ...place(f, entry.fix, ['troubleshooting', i, 'fix'], locate, file), step: entry.id, part: 'fix' });
    }
  });
  return out;
}

/** One step's findings, positions relative to its SQL. */
export function stepFindings(
  rb: Pick<RunbookData, 'lock_timeout'>,
  step: Step,
  sqlFiles: ReadonlyMap<string, string>,
  serverVersionNum = DEFAULT_SERVER_VERSION_NUM,
  context = new LockContext(),
): Finding[] {
  return partFindings(rb, step, sqlFiles, serverVersionNum, context, step.accept);
}

/** The findings of a step's, rollback's or fix's SQL, positions relative to it. */
function partFindings(
  rb: Pick<RunbookData, 'lock_timeout'>,
  step: SqlPart,
  sqlFiles: ReadonlyMap<string, string>,
  serverVersionNum: number,
  context: LockContext,
  accept?: Step['accept'],
): Finding[] {
  // Only SQL on the target database: a step on a named connection (SQLite, another server) is not the target's locks.
  if (step.connection !== undefined) return [];
  const sql = step.sql ?? (step.sql_file !== undefined ? sqlFiles.get(step.sql_file) : undefined);
  if (sql === undefined) return [];
  let statements;
  try {
    statements = splitSql(sql);
  } catch {
    return [];
  }
  return statementsFindings(statements, sql.includes('runbook:') ? acceptComments(sql) : [], {
    serverVersionNum,
    lockTimeout: step.lock_timeout !== undefined || rb.lock_timeout !== undefined,
    transaction: step.transaction ?? 'auto',
    accepted: accept,
    context,
  });
}

function place(f: Finding, step: Pick<Step, 'sql' | 'sql_file'>, path: PathKey[], locate: Locator | undefined, file: string): { file: string; line: number; column: number } {
  if (step.sql === undefined && step.sql_file !== undefined) return { file: join(dirname(file), step.sql_file), line: f.line, column: f.column };
  if (!locate) return { file, line: f.line, column: f.column };
  const where = locate.at([...path, 'sql'], '');
  // A block scalar (|) starts on the line after its key; a one-line value where the value starts.
  if (step.sql?.includes('\n')) return { file: where.file, line: where.line + f.line, column: f.column };
  return { file: where.file, line: where.line, column: where.column + f.column - 1 };
}
