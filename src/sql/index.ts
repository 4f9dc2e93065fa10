// SQL text handling with the real PostgreSQL parser (libpg-query):
// splitting files into statements, classifying them, binding {{ inputs }}
// safely, and mapping error positions back to the source.

export { ensureParser } from './parser.js';
export { parseTreeOf, splitSql } from './split.js';
export { bindPlaceholders } from './bind.js';
export { placeholdersIn } from './placeholders.js';
export { quoteIdent } from './quote.js';
export { caretExcerpt, lineColumnAt, sourcePosition } from './position.js';
export { PlaceholderError, SqlSyntaxError } from './errors.js';
export type { BoundSql, InputValue, Placeholder, Replacement, SqlStatement, StatementFacts, StatementKind } from './types.js';
export { LockContext, statementLocks, strongestLock, blocksOfMode, lockModeWords } from './locks.js';
export type { Hazard, LockFacts, LockMode, RelationLock } from './locks.js';
