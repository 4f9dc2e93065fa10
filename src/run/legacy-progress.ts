// A SQL step left running in a journal written before commits were recorded
// (engine/state.ts StatementProgress.legacy): the journal says only how many
// of its statements started and finished. What committed follows from how the
// runner of the time ran them, which the step's SQL and transaction mode still
// decide (exec/postgres/plan.ts):
//   - statements that each commit on their own (transaction: never, a
//     statement that cannot run in a transaction, or a single statement): the
//     ones that finished committed; one that started and never finished is
//     unknown;
//   - statements in one transaction: unless all of them finished, it never
//     reached its COMMIT, so none committed (the server rolls back a
//     transaction whose connection ended); if all finished, whether its COMMIT
//     took effect is unknown.
// The answer is given as the events a current runner would have journalled,
// so the rest (applied:, --in-flight, continuing after what committed) is the
// same as for any journal; the operator is told it was inferred.
import type { StatementProgress } from '../engine/state.js';
import { planTransaction } from '../exec/postgres/plan.js';
import type { ExecEvent } from '../exec/types.js';
import { firstStatements } from '../present/output.js';
import { splitSql } from '../sql/index.js';

export type LegacyInference = { events: ExecEvent[] } | { refused: string };

export function inferLegacyProgress(source: string, transaction: 'auto' | 'always' | 'never', progress: StatementProgress): LegacyInference {
  const legacy = progress.legacy!;
  const statements = splitSql(source);
  const total = statements.length;
  const head = `this run's journal was written by an older runbook that did not record commits: it shows ${legacy.started > 0 ? `${firstStatements(legacy.started, progress.total)} started and ${legacy.finished > 0 ? `${firstStatements(legacy.finished, progress.total)} finished` : 'none finished'}` : 'no statement started'}`;
  if (total !== progress.total) {
    return { refused: `${head}, of ${progress.total} statements; the step now has ${total}, so what committed cannot be inferred` };
  }
  const plan = planTransaction(statements, transaction);
  const oneByOne = 'error' in plan || !plan.wrap || total === 1;
  const info = (message: string): ExecEvent => ({ type: 'info', message: `${head}. ${message}` });
  const committed = (n: number): ExecEvent => ({ type: 'committed', through: n - 1, total });
  if (oneByOne) {
    const done = legacy.finished;
    const events: ExecEvent[] = [info(`Its statements commit one by one, so the ${done === 0 ? 'none that finished' : `${done} that finished`} committed${legacy.started > done ? `, and whether statement ${done + 1}, started and never finished, took effect is unknown` : ''}`), committed(done)];
    if (legacy.started > done) {
      const s = statements[done];
      events.push({ type: 'statement_started', index: done, total, text: s.text, line: s.line, commits: true });
    }
    return { events };
  }
  if (legacy.finished < total) {
    return { events: [info(`Its statements run in one transaction that never reached its COMMIT, so none of them committed (the server rolled it back when the connection ended)`), committed(0)] };
  }
  return { events: [info(`Its statements run in one transaction and all finished, so whether its COMMIT took effect is unknown`), committed(0), { type: 'commit_started', through: total - 1 }] };
}
