// Split a SQL file into statements with PostgreSQL's own parser, so ';' inside
// strings, dollar-quoted bodies and comments never splits anything.

import type { Node } from 'libpg-query';
import { classify } from './classify.js';
import { PlaceholderError, SqlSyntaxError } from './errors.js';
import { isComment, ParseFailure, parseStatements, scanTokens } from './parser.js';
import { noParameterMessage } from './messages.js';
import { findPlaceholders, maskPlaceholders, type FoundPlaceholder } from './placeholders.js';
import { caretExcerpt, lineColumnAt, LineIndex } from './position.js';
import { SHAPES_MIN_CHARS, splitByShapes } from './split-shapes.js';
import type { SqlStatement } from './types.js';

/**
 * The statements of source, in order. Empty or comment-only source gives [].
 * Placeholders are allowed (they are masked for parsing; texts keep them).
 * Throws SqlSyntaxError (or its subclass PlaceholderError) pointing at the source.
 * Needs ensureParser().
 */
export function splitSql(source: string): SqlStatement[] {
  const cached = splitCache.get(source);
  if (cached) return cached.slice();
  const statements = splitUncached(source);
  splitCacheChars += source.length;
  splitCache.set(source, statements.slice());
  // The oldest go first; the newest stays even alone above the limit (a 10 MB data fix was dropped as soon as
  // it was kept, and split again by the lint, the run's forecast and the run: 0.5 s and ~100 MB of garbage each).
  for (const key of splitCache.keys()) {
    if (key === source || (splitCache.size <= SPLIT_CACHE_SIZE && splitCacheChars <= SPLIT_CACHE_CHARS)) break;
    splitCache.delete(key);
    splitCacheChars -= key.length;
  }
  return statements;
}

/**
 * The same step's SQL is split when the runbook is loaded (lint), when the run
 * decides whether it is destructive and whether it writes, and when it runs:
 * four passes through the WASM parser for a 1,000-statement file. The result
 * depends on the text alone, so recent results are kept (bounded by count and size).
 */
const splitCache = new Map<string, SqlStatement[]>();
let splitCacheChars = 0;
/** Enough for every step and check of a 500-step runbook; the oldest go first (but never the newest). */
const SPLIT_CACHE_SIZE = 4096;
const SPLIT_CACHE_CHARS = 8 * 1024 * 1024;

/** splitSql without the cache, and without the shortcut for long data fixes (split-shapes.ts): what that shortcut must equal. */
export function splitEveryStatement(source: string): SqlStatement[] {
  return splitUncached(source, false);
}

function splitUncached(source: string, shapes = true): SqlStatement[] {
  const { found, problem } = findPlaceholders(source);
  if (problem) throw errorAt(source, problem.start, problem.message, PlaceholderError);
  // A long data fix of INSERTs: the real parser reads each shape of statement once (split-shapes.ts).
  if (shapes && found.length === 0 && source.length >= SHAPES_MIN_CHARS) {
    const shaped = splitByShapes(source, (statement, node) => parseTrees.set(statement, node));
    if (shaped) return shaped;
  }
  // A byte order mark is not SQL; editors on Windows add one. Parse it as a space.
  const unmarked = maskPlaceholders(source, found);
  const masked = unmarked.startsWith('\uFEFF') ? ` ${unmarked.slice(1)}` : unmarked;
  let parsed;
  try {
    parsed = parseStatements(masked);
  } catch (e) {
    if (e instanceof ParseFailure) throw explainFailure(source, masked, found, e);
    throw e;
  }
  if (parsed.length === 0) return [];

  // Statement ranges from the parser start right after the previous ';', so
  // they include blank lines and comments: trim to the first and last real token.
  const lines = new LineIndex(source);
  return parsed.map(({ node, start, end }) => {
    const from = skipSpaceAndComments(masked, start, end);
    let to = lastTokenEnd(masked, from, end);
    // A value placeholder is masked as '$1' plus spaces: end at the placeholder's '}}', not at '$1'.
    if (found.length > 0) to = found.find((p) => p.start < to && to < p.end)?.end ?? to;
    const { line, column } = lines.at(from);
    const f = classify(node);
    // Every field in one literal (as split-shapes.ts makes them): spreading two objects into it made each
    // statement's object the slow way, with a second store for its fields.
    const statement: SqlStatement = { text: source.slice(from, to), offset: from, line, column, kind: f.kind, command: f.command, noTransaction: f.noTransaction, destructive: f.destructive, writes: f.writes, returnsRows: f.returnsRows };
    parseTrees.set(statement, node);
    return statement;
  });
}

/** Each statement's parse tree, kept beside it (not in it: statements are copied, journalled and compared). */
const parseTrees = new WeakMap<SqlStatement, Node>();

/** The parse tree of a statement splitSql returned (for the lock model). */
export function parseTreeOf(statement: SqlStatement): Node | undefined {
  return parseTrees.get(statement);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/**
 * The first index in [i, end) that starts a token: whitespace, -- comments and
 * nested /* comments *\/ skipped by PostgreSQL's rules. Safe at a statement's
 * start, which is never inside a string.
 */
function skipSpaceAndComments(text: string, i: number, end: number): number {
  while (i < end) {
    if (isSpace(text[i])) i++;
    else if (text.startsWith('--', i)) {
      while (i < end && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (text.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (text.startsWith('/*', i)) (depth++, (i += 2));
        else if (text.startsWith('*/', i)) (depth--, (i += 2));
        else i++;
      } while (depth > 0 && i < end);
    } else break;
  }
  return Math.min(i, end);
}

/**
 * The end of the last token in [from, end): where its trailing whitespace
 * starts, unless a comment may end the statement, which the scanner decides (a
 * '--' may sit in a string, or end the statement as a comment). Scanning only
 * then halves the parser work of loading a runbook.
 *
 * A comment can end the statement only if its last line holds '--' or its
 * text ends with '*' + '/': the parser accepted the statement, so nothing is
 * left open at its end (a string, a quoted name, a dollar quote, a block
 * comment), and a comment that closed before the last line is followed by
 * tokens. Anything else there is a token's end.
 */
function lastTokenEnd(text: string, from: number, end: number): number {
  let to = end;
  while (to > from && isSpace(text[to - 1])) to--;
  // Its last line is looked at within the statement only (lastIndexOf on the whole text would read back to the
  // file's start when a file has no '\r', for every statement: quadratic, 10,000 statements, 4 s), and only when
  // the statement holds a '--' at all: most do not, and stepping back through every statement's last line
  // character by character was 2 % of a lint.
  const statement = text.slice(from, to);
  let mayEndInComment = to - 2 >= from && text.startsWith('*/', to - 2);
  if (!mayEndInComment && statement.includes('--')) {
    const lastLine = Math.max(statement.lastIndexOf('\n'), statement.lastIndexOf('\r')) + 1;
    mayEndInComment = statement.includes('--', lastLine);
  }
  if (!mayEndInComment) return to;
  const tokens = scanTokens(text.slice(from, end)).filter((t) => !isComment(t) && t.text !== ';');
  return from + (tokens.length ? tokens[tokens.length - 1].end : 0);
}

function errorAt(
  source: string,
  index: number,
  message: string,
  Kind: typeof SqlSyntaxError = SqlSyntaxError,
): SqlSyntaxError {
  const { line, column } = lineColumnAt(source, index);
  return new Kind(message, line, column, caretExcerpt(source, line, column));
}

/** Turn a parser failure into a message for someone who writes psql scripts. */
function explainFailure(source: string, masked: string, found: FoundPlaceholder[], e: ParseFailure): SqlSyntaxError {
  const i = e.index;
  const placeholder = found.find((p) => !p.ident && i >= p.start && i < p.end);
  if (placeholder) return errorAt(source, placeholder.start, noParameterMessage(placeholder, masked.slice(statementStart(masked, i))), PlaceholderError);
  if (source[i] === '\\') {
    let end = i + 1;
    while (end < source.length && !' \t\r\n'.includes(source[end])) end++;
    const command = source.slice(i, end);
    return errorAt(source, i, `psql meta-commands like ${command} are not SQL: runbook sends SQL to the server, not through psql. ` +
      'To run another file, give it its own step with sql_file:; for anything else psql does, use a shell step');
  }
  if (followsCopyFromStdin(masked, i)) {
    return errorAt(source, i, `${e.message}. This looks like inline COPY ... FROM STDIN data (as in pg_dump output): ` +
      'that is psql syntax, not SQL. Load it with psql in a shell step, or use INSERT');
  }
  if (source.startsWith('{{', i)) {
    return errorAt(source, i, `${e.message}. Placeholders are written {{ inputs.name }} for a value or {{ ident inputs.name }} for a name`);
  }
  if (source[i] === ':' && startsPsqlVariable(source[i + 1] ?? '')) {
    return errorAt(source, i, `${e.message}. psql variables like :name are not supported; use {{ inputs.name }}`);
  }
  return errorAt(source, i, e.message);
}

/** Where the statement holding index i starts (after the last ';' token before it), for hints. */
function statementStart(masked: string, i: number): number {
  try {
    const semis = scanTokens(masked.slice(0, i)).filter((t) => t.text === ';');
    return semis.length ? semis[semis.length - 1].end : 0;
  } catch {
    return 0;
  }
}

/** After ':', psql interpolates :name, :'name' and :"name". */
function startsPsqlVariable(ch: string): boolean {
  return ch === "'" || ch === '"' || ch === '_' || (ch.toLowerCase() >= 'a' && ch.toLowerCase() <= 'z');
}

/** Whether the statement before index i is COPY ... FROM STDIN (so what follows is psql inline data). */
function followsCopyFromStdin(masked: string, i: number): boolean {
  try {
    const before = parseStatements(masked.slice(0, statementStart(masked, i)));
    const last = before[before.length - 1];
    const copy = last && (last.node as { CopyStmt?: { is_from?: boolean; filename?: string } }).CopyStmt;
    return Boolean(copy?.is_from && !copy.filename);
  } catch {
    return false;
  }
}
