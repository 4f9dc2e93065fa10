// The one module that owns PostgreSQL connections: sessions, running a step's
// SQL, and the read helpers checks use. Nothing outside src/exec touches `pg`.
export { connect } from './session.js';
export type { ConnectOptions, PgSession } from './session.js';
export { onlyMinorUpgrade, targetDiff, type TargetChange } from './target.js';
export type { TargetInfo } from './target.js';
export { runSql } from './run-sql.js';
export type { SqlRequest } from './run-sql.js';
export { queryValues, timeQuery } from './query.js';
export type { QueryValues } from './query.js';
export { ExecFailure, isExecFailure } from './errors.js';
