// Errors that point at a place in the SQL the runbook author wrote.

/** SQL that does not parse. line/column are 1-based in the source that was given. */
export class SqlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  /** The offending source line with a caret under the column (see caretExcerpt). */
  readonly excerpt: string;
  constructor(message: string, line: number, column: number, excerpt = '') {
    super(message);
    this.name = 'SqlSyntaxError';
    this.line = line;
    this.column = column;
    this.excerpt = excerpt;
  }
}

/**
 * A {{ ... }} placeholder that cannot be used as written: unknown input,
 * malformed, or in a place where it would not become a bind parameter.
 * It is a SqlSyntaxError so callers that report positions handle both alike.
 */
export class PlaceholderError extends SqlSyntaxError {
  constructor(message: string, line: number, column: number, excerpt = '') {
    super(message, line, column, excerpt);
    this.name = 'PlaceholderError';
  }
}
