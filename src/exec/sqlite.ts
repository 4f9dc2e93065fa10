// Read-only queries on a SQLite file, for comparing a SQLite source with the
// PostgreSQL target (row counts after a migration). Opened read-only so a
// check can never change the source it is checking.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { tableText } from '../present/table.js';
import { KEPT_ROWS, emptyResult, type ActionResult, type ExecError } from './types.js';

/** Results up to this many rows are also rendered as text in `output`. */
const RENDERED_ROWS = 20;

// Loaded on first use (a native addon): most runs never touch SQLite and should not pay for it at start.
let Database: typeof BetterSqlite3 | undefined;
const load = () => (Database ??= createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3);

export function querySqlite(path: string, sql: string): ActionResult {
  const started = performance.now();
  const finish = (fields: Partial<ActionResult>): ActionResult => ({ ...emptyResult(), ...fields, durationMs: performance.now() - started });
  if (!existsSync(path)) return finish({ ok: false, error: { kind: 'connection', message: `SQLite file does not exist: ${path}` } });
  if (statSync(path).isDirectory()) return finish({ ok: false, error: { kind: 'connection', message: `not a SQLite file but a directory: ${path}` } });

  let db: BetterSqlite3.Database | undefined;
  try {
    db = new (load())(path, { readonly: true, fileMustExist: true });
    const statement = db.prepare(sql);
    if (!statement.reader) {
      const info = statement.run();
      return finish({ ok: true, rowCount: info.changes, output: `${info.changes} rows changed` });
    }
    const columns = statement.columns().map((c) => c.name);
    const rows: Record<string, unknown>[] = [];
    let rowCount = 0;
    // Iterate rather than .all(): the count stays exact without holding every row.
    for (const row of statement.iterate() as Iterable<Record<string, unknown>>) {
      if (rowCount < KEPT_ROWS) rows.push(row);
      rowCount += 1;
    }
    return finish({ ok: true, columns, rows, rowCount, output: renderRows(columns, rows, rowCount) });
  } catch (error) {
    return finish({ ok: false, error: sqliteError(error, path) });
  } finally {
    db?.close();
  }
}

/** better-sqlite3 errors carry a code like SQLITE_ERROR; some mean "this is not a usable database file". */
function sqliteError(error: unknown, path: string): ExecError {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (code === 'SQLITE_NOTADB') return { kind: 'connection', message: `not a SQLite database: ${path}`, detail: message };
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return { kind: 'connection', message: `cannot open SQLite file ${path}: ${message}`, detail: code };
  }
  if (code === 'SQLITE_READONLY') return { kind: 'sql', message: `${message} (SQLite connections are opened read-only)`, detail: code };
  return { kind: 'sql', message, detail: code || undefined };
}

/** The first rows as psql's aligned table (src/present), for the screen and `output` checks. */
function renderRows(columns: string[], rows: Record<string, unknown>[], rowCount: number): string {
  return tableText({ columns, rows: rows.map((row) => columns.map((c) => row[c])), total: rowCount }, { maxRows: RENDERED_ROWS }).join('\n');
}
