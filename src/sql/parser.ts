// The one place that talks to libpg-query (the real PostgreSQL parser, as WASM).
// Offsets coming out of here are already JS string indices.

import { createRequire } from 'node:module';
import type * as PgQuery from 'libpg-query';
import type { Node } from 'libpg-query';
import { byteToIndexMapper, codePointToIndex } from './position.js';
import { useBaselineWasmCompiler } from './wasm-compiler.js';

let loading: Promise<void> | undefined;
let loaded = false;
let library: typeof PgQuery | undefined;

/**
 * libpg-query, required when the parser is first wanted: most commands'
 * starts never parse SQL. In the bundle (scripts/bundle.js libpgQueryBundled)
 * it is initialised only then, from the code cache.
 */
export function pgQuery(): typeof PgQuery {
  return (library ??= createRequire(import.meta.url)('libpg-query') as typeof PgQuery);
}

/** Load the parser's WASM module. Call (and await) once before splitSql or bindPlaceholders. */
export function ensureParser(): Promise<void> {
  if (loading) return loading;
  // Started now, not in a later tick: the WASM compiles in the background while the caller goes on (load.ts).
  let started: Promise<unknown>;
  try {
    useBaselineWasmCompiler();
    started = pgQuery().loadModule();
  } catch (e) {
    started = Promise.reject(e);
  }
  loading = started.then(
    () => {
      loaded = true;
    },
    (e: unknown) => {
      loading = undefined; // let a later call try again
      throw e;
    },
  );
  return loading;
}

function requireParser(): void {
  if (!loaded) throw new Error('The SQL parser is not loaded: await ensureParser() first');
}

/** A statement as the parser cut it: its tree and its JS string range (including leading comments). */
export interface ParsedStatement {
  node: Node;
  start: number;
  end: number;
}

/** The parser rejected the text. `index` is the JS string index it points at. */
export class ParseFailure extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
  }
}

interface ParserError {
  message: string;
  sqlDetails?: { cursorPosition?: number };
}

/** Parse text into statements. Throws ParseFailure. Empty text gives []. */
export function parseStatements(text: string): ParsedStatement[] {
  requireParser();
  if (text.trim() === '') return [];
  let result;
  try {
    result = pgQuery().parseSync(text);
  } catch (e) {
    const err = e as ParserError;
    // The cursor is a 0-based code point index (PostgreSQL counts characters).
    const cursor = err.sqlDetails?.cursorPosition ?? 0;
    throw new ParseFailure(err.message, codePointToIndex(text, cursor));
  }
  const toIndex = byteToIndexMapper(text);
  const byteLength = Buffer.byteLength(text, 'utf8');
  return (result.stmts ?? []).map((raw) => {
    // stmt_location/stmt_len are UTF-8 byte offsets; both are omitted when 0,
    // and the last statement has no length when no ';' follows it.
    const from = raw.stmt_location ?? 0;
    const to = raw.stmt_len ? from + raw.stmt_len : byteLength;
    return { node: raw.stmt as Node, start: toIndex(from), end: toIndex(to) };
  });
}

export interface Token {
  /** JS string index range. */
  start: number;
  end: number;
  text: string;
  /** libpg-query's token name: 'SCONST', 'PARAM', 'IDENT', 'SQL_COMMENT', 'C_COMMENT', 'ASCII_59' (;)... Keywords are 'UNKNOWN'. */
  name: string;
  keyword: boolean;
}

/** Lex text with PostgreSQL's own scanner. Throws ParseFailure on text it cannot lex. */
export function scanTokens(text: string): Token[] {
  requireParser();
  if (text === '') return [];
  let tokens;
  try {
    tokens = pgQuery().scanSync(text).tokens;
  } catch (e) {
    // The scanner reports lexical errors badly (no position); the parser says where.
    try {
      pgQuery().parseSync(text);
    } catch (parseError) {
      const err = parseError as ParserError;
      throw new ParseFailure(err.message, codePointToIndex(text, err.sqlDetails?.cursorPosition ?? 0));
    }
    throw new ParseFailure((e as Error).message, 0);
  }
  const toIndex = byteToIndexMapper(text);
  return tokens.map((t) => ({
    start: toIndex(t.start),
    end: toIndex(t.end),
    text: t.text,
    name: t.tokenName,
    keyword: t.keywordKind !== 0,
  }));
}

/** Comments are tokens to the scanner, but not part of any statement. */
export function isComment(token: Token): boolean {
  return token.name === 'SQL_COMMENT' || token.name === 'C_COMMENT';
}
