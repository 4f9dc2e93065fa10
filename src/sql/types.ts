// Shared shapes of the SQL module. No logic here.

/** What a statement is, coarsely: enough to pick a transaction mode and to warn. */
export type StatementKind =
  | 'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'explain' | 'transaction'
  | 'utility' | 'do' | 'call' | 'copy' | 'vacuum' | 'analyze' | 'set' | 'other';

/** Facts about one statement that come from its parse tree alone. */
export interface StatementFacts {
  kind: StatementKind;
  /** The command in words, like PostgreSQL's command tag: 'CREATE INDEX', 'DROP TABLE', 'SELECT'. */
  command: string;
  /** Why this statement cannot run inside a transaction block, or null. */
  noTransaction: string | null;
  /** Why this statement destroys data, or null. */
  destructive: string | null;
  /** true when the statement changes data or schema. */
  writes: boolean;
  /** true when it returns rows, false when it never does, null when it depends. */
  returnsRows: boolean | null;
}

export interface SqlStatement extends StatementFacts {
  /** The statement text, from its first token to its last, without the trailing ';'. */
  text: string;
  /** JS string index of its first character in the source text. */
  offset: number;
  /** 1-based position of its first character in the source. Columns count JS string characters. */
  line: number;
  column: number;
}

export type InputValue = string | number | boolean | null;

/** One placeholder replaced in a statement: where it was, and what went in its place. */
export interface Replacement {
  /** JS string index range in the statement text as written. */
  sourceStart: number;
  sourceEnd: number;
  /** JS string index range in the text that is sent. */
  sentStart: number;
  sentEnd: number;
}

export interface BoundSql {
  /** The statement as sent: {{ inputs.x }} became $n, {{ ident inputs.x }} a quoted identifier. */
  text: string;
  /** Values for $1..$n, in order. */
  params: InputValue[];
  /** Each substitution, so server error positions can be mapped back (see sourcePosition). */
  replacements?: Replacement[];
}

/** A placeholder found in SQL text. */
export interface Placeholder {
  name: string;
  ident: boolean;
  /** 1-based position of its opening '{{'. */
  line: number;
  column: number;
}
