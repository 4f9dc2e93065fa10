// Validates SQL found in documents with PostgreSQL's own parser (libpg-query),
// so that only statements the server can run become `sql:` actions.
import { pgQuery } from '../sql/parser.js';

let loading: Promise<void> | undefined;

/** The parser is WebAssembly and must be loaded once before the sync calls work. */
export function loadSqlParser(): Promise<void> {
  loading ??= Promise.resolve().then(() => pgQuery().loadModule());
  return loading;
}

export interface SqlStatement {
  /** The statement as written (comments before it excluded). */
  text: string;
  /** The `-- comment` lines right before it, which documents use as a title. */
  comment?: string;
}

export type SqlVerdict = { ok: true; statements: SqlStatement[] } | { ok: false; error: string };

/**
 * Runbook SQL may hold `{{ inputs.x }}` (sent as a bind parameter) and
 * `{{ ident inputs.x }}` (a quoted identifier). Replace them by something the
 * parser accepts, of the same length so statement offsets stay valid.
 */
function maskPlaceholders(sql: string): string {
  return sql.replace(/\{\{[^{}\n]*\}\}/g, (m) => {
    const stand = /^\{\{\s*ident\b/.test(m) ? 'x' : '$1';
    return stand + ' '.repeat(Math.max(0, m.length - stand.length));
  });
}

/** Comment lines (`-- ...`) in a gap between statements, joined: the statement's title. */
function commentIn(gap: string): string | undefined {
  const lines = gap
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('--'))
    .map((l) => l.replace(/^--+\s*/, '').trim())
    .filter(Boolean);
  return lines[0];
}

/** Parses SQL; on success returns each statement with the comment before it. */
export function checkSql(sql: string): SqlVerdict {
  const masked = maskPlaceholders(sql);
  let parsed;
  try {
    parsed = pgQuery().parseSync(masked);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  // libpg-query reports byte offsets into the UTF-8 text; slice bytes, not characters.
  const bytes = Buffer.from(masked, 'utf8');
  const original = Buffer.from(sql, 'utf8');
  const statements: SqlStatement[] = [];
  let previousEnd = 0;
  for (const s of parsed.stmts ?? []) {
    const start = s.stmt_location ?? 0;
    const end = s.stmt_len ? start + s.stmt_len : bytes.length;
    const text = original.subarray(start, end).toString('utf8').trim();
    const comment = commentIn(original.subarray(previousEnd, start).toString('utf8'));
    statements.push(comment ? { text, comment } : { text });
    previousEnd = end;
  }
  return { ok: true, statements };
}
