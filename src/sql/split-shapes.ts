// Splitting a long data fix without parsing every row. A file of 100,000
// `INSERT ... VALUES (literals)` statements costs the WASM parser seconds and
// hundreds of MiB of parse trees, though its statements differ only in their
// literal values. Here a strict lexer (PostgreSQL's token rules for the plain
// subset of SQL such files use; anything else gives up) cuts the statements
// and gives each a shape: its tokens with every literal replaced by its kind.
// Statements of one shape differ only in literal values, so they parse alike:
// the real parser parses the first of each shape (and every statement that is
// not a literal-only INSERT ... VALUES, whose facts may depend on values), and
// the others take its facts and tree. Any doubt returns null, and the caller
// parses the whole text as before.
import type { Node } from 'libpg-query';
import { classify } from './classify.js';
import { parseStatements } from './parser.js';
import { LineIndex } from './position.js';
import type { SqlStatement, StatementFacts } from './types.js';

/** Below this many characters the whole-text parse is quick enough, and exact by construction. */
export const SHAPES_MIN_CHARS = 200_000;
/** Statements that must be parsed one by one (not literal-only INSERTs); more than this, and the whole text is parsed at once. */
const MAX_OWN_PARSES = 2_000;
/**
 * A file where most statements need their own parse is not a data fix: once this many did, and they are
 * over half of those cut so far, the whole text is parsed at once without parsing the rest one by one
 * (a 10,000-statement migration spent 135 ms reaching MAX_OWN_PARSES before its whole-text parse).
 */
const EARLY_OWN_PARSES = 300;

interface Cut {
  start: number;
  end: number;
  shape: string;
  /** An INSERT whose tokens after VALUES are literals, parentheses, commas, signs, NULL/TRUE/FALSE/DEFAULT and ::type casts. */
  literalInsert: boolean;
}

/** The statements of `source`, or null when this lexer cannot vouch for them (the caller then parses the whole text). */
export function splitByShapes(source: string, remember: (statement: SqlStatement, node: Node) => void): SqlStatement[] | null {
  /** Per shape of a literal-only INSERT: its first statement's facts and tree, or 'own' when each must be parsed. */
  const representative = new Map<string, { facts: StatementFacts; node: Node } | 'own'>();
  let ownParses = 0;
  const lines = new LineIndex(source);
  /** Statements in order; a statement that needs its own parse is a hole until the cut is known to be a data fix. */
  const out: (SqlStatement | undefined)[] = [];
  /**
   * The statements that need their own parse, parsed once the whole text is cut: a migration (most statements
   * its own) is found out by the cut alone, before it paid for 300 parses it then threw away for the whole-text parse.
   */
  const pending: { index: number; start: number; end: number }[] = [];
  const statementOf = (text: string, start: number, f: StatementFacts): SqlStatement => {
    const { line, column } = lines.at(start);
    // Every field in one literal: the object is made with room for all of them (spreading two objects into it
    // gave each of a data fix's 100,000 statements a second, out-of-object store for its fields).
    return { text, offset: start, line, column, kind: f.kind, command: f.command, noTransaction: f.noTransaction, destructive: f.destructive, writes: f.writes, returnsRows: f.returnsRows };
  };
  // Each statement is taken as it is cut: nothing of the lexer's is kept for the whole file.
  const taken = cutStatements(source, (cut) => {
    const shared = cut.literalInsert ? representative.get(cut.shape) : undefined;
    const known = shared === 'own' ? undefined : shared;
    if (known) {
      const statement = statementOf(source.slice(cut.start, cut.end), cut.start, known.facts);
      remember(statement, known.node);
      out.push(statement);
      return true;
    }
    if (++ownParses > MAX_OWN_PARSES || (ownParses > EARLY_OWN_PARSES && ownParses * 2 > out.length)) return false;
    if (cut.literalInsert && !shared) {
      // The first of its shape decides for the others: parsed now.
      const text = source.slice(cut.start, cut.end);
      const parsed = parseOne(text);
      if (!parsed) return false;
      representative.set(cut.shape, isInsertOfValues(parsed.node) ? parsed : 'own');
      const statement = statementOf(text, cut.start, parsed.facts);
      remember(statement, parsed.node);
      out.push(statement);
      return true;
    }
    pending.push({ index: out.length, start: cut.start, end: cut.end });
    out.push(undefined);
    return true;
  });
  if (!taken) return null;
  for (const p of pending) {
    const text = source.slice(p.start, p.end);
    const parsed = parseOne(text);
    if (!parsed) return null;
    const statement = statementOf(text, p.start, parsed.facts);
    remember(statement, parsed.node);
    out[p.index] = statement;
  }
  return out as SqlStatement[];
}

function parseOne(text: string): { facts: StatementFacts; node: Node } | null {
  try {
    const parsed = parseStatements(text);
    if (parsed.length !== 1) return null;
    return { facts: classify(parsed[0].node), node: parsed[0].node };
  } catch {
    return null; // the whole-text parse gives the error its message and place
  }
}

/** INSERT ... VALUES with no call, subquery or clause whose facts could depend on a value. */
function isInsertOfValues(node: Node): boolean {
  const insert = (node as { InsertStmt?: { selectStmt?: { SelectStmt?: { valuesLists?: unknown[] } }; onConflictClause?: unknown; withClause?: unknown } }).InsertStmt;
  if (!insert?.selectStmt?.SelectStmt?.valuesLists || insert.onConflictClause || insert.withClause) return false;
  const tree = JSON.stringify(insert.selectStmt);
  return !/"(FuncCall|SubLink|ColumnRef|ParamRef|A_Expr)"/.test(tree);
}

const enum Ch {
  Tab = 9, Nl = 10, Vt = 11, Ff = 12, Cr = 13, Space = 32, Quote = 39, DQuote = 34, Dollar = 36,
  LParen = 40, RParen = 41, Star = 42, Plus = 43, Comma = 44, Minus = 45, Dot = 46, Slash = 47,
  Zero = 48, Nine = 57, Colon = 58, Semi = 59, LBracket = 91, Backslash = 92, RBracket = 93, Underscore = 95,
}

/** Where a string or quoted identifier opened at `start` ends (past its closing quote; a doubled quote is one character of it), or -1 when it never closes. */
function quotedEnd(s: string, start: number, quote: "'" | '"'): number {
  const code = quote.charCodeAt(0);
  for (let j = start + 1; ; ) {
    const q = s.indexOf(quote, j);
    if (q < 0) return -1;
    if (s.charCodeAt(q + 1) !== code) return q + 1;
    j = q + 2;
  }
}

const isSpace = (c: number) => c === Ch.Space || c === Ch.Nl || c === Ch.Tab || c === Ch.Cr || c === Ch.Ff || c === Ch.Vt;
const isDigit = (c: number) => c >= Ch.Zero && c <= Ch.Nine;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === Ch.Underscore;
const isIdentChar = (c: number) => isLetter(c) || isDigit(c) || c === Ch.Dollar;
/** PostgreSQL's operator characters. */
const OPERATOR = new Set([...'+-*/<>=~!@#%^&|`?'].map((c) => c.charCodeAt(0)));

const VALUE_WORDS = new Set(['null', 'true', 'false', 'default']);

/**
 * Statement ranges (first token to last, no ";") and shapes, handed to `take` one by one; false at the
 * first thing this lexer does not take on: dollar quotes, parameters, E'' and
 * other prefixed strings, adjacent strings, psql's backslash commands and
 * variables, non-ASCII outside strings, numbers with junk after them.
 */
function cutStatements(s: string, take: (cut: Cut) => boolean): boolean {
  let refused = false;
  const n = s.length;
  let start = -1;
  let end = -1;
  let shape: string[] = [];
  let first = '';
  let afterValues = false;
  let literalOnly = true;
  let lastKind = '';
  /** A '::' was the last token: the next identifier is a type name. */
  let castPending = false;
  const token = (from: number, to: number, key: string, kind: 'word' | 'literal' | 'string' | 'punct' | 'op' | 'qident') => {
    if (start < 0) start = from;
    end = to;
    shape.push(key);
    if (afterValues) {
      if (kind === 'literal' || kind === 'string') literalOnly &&= !castPending;
      else if (kind === 'word') {
        const word = key.toLowerCase();
        literalOnly &&= castPending ? true : VALUE_WORDS.has(word);
        castPending = false;
      } else if (kind === 'punct') literalOnly &&= !castPending && (key === '(' || key === ')' || key === ',' || key === '::');
      else if (kind === 'op') literalOnly &&= !castPending && (key === '-' || key === '+');
      else literalOnly = false;
      if (key === '::') castPending = true;
    } else if (kind === 'word' && key.toLowerCase() === 'values') afterValues = true;
    if (shape.length === 1) first = key.toLowerCase();
    lastKind = kind;
  };
  const close = () => {
    if (start >= 0 && !take({ start, end, shape: shape.join(' '), literalInsert: first === 'insert' && afterValues && literalOnly && !castPending })) refused = true;
    start = -1;
    shape = [];
    first = '';
    afterValues = false;
    literalOnly = true;
    castPending = false;
    lastKind = '';
  };
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === Ch.Minus && s.charCodeAt(i + 1) === Ch.Minus) {
      while (i < n && s.charCodeAt(i) !== Ch.Nl && s.charCodeAt(i) !== Ch.Cr) i++;
    } else if (c === Ch.Slash && s.charCodeAt(i + 1) === Ch.Star) {
      let depth = 0;
      do {
        if (s.startsWith('/*', i)) (depth++, (i += 2));
        else if (s.startsWith('*/', i)) (depth--, (i += 2));
        else i++;
      } while (depth > 0 && i < n);
      if (depth > 0) return false;
    } else if (c === Ch.Semi) {
      close();
      if (refused) return false;
      i++;
    } else if (isLetter(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(s.charCodeAt(j))) j++;
      const next = s.charCodeAt(j);
      // E'', B'', X'', N'', U&'' and typed literals written without a space: not taken on.
      if (next === Ch.Quote || next === 38 /* & */ || next >= 128) return false;
      token(i, j, s.slice(i, j), 'word');
      i = j;
    } else if (isDigit(c) || (c === Ch.Dot && isDigit(s.charCodeAt(i + 1)))) {
      let j = i;
      let float = false;
      while (isDigit(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === Ch.Dot) {
        if (s.charCodeAt(j + 1) === Ch.Dot) return false;
        float = true;
        j++;
        while (isDigit(s.charCodeAt(j))) j++;
      }
      const e = s.charCodeAt(j);
      if (e === 69 || e === 101) {
        let k = j + 1;
        if (s.charCodeAt(k) === Ch.Plus || s.charCodeAt(k) === Ch.Minus) k++;
        if (!isDigit(s.charCodeAt(k))) return false;
        while (isDigit(s.charCodeAt(k))) k++;
        j = k;
        float = true;
      }
      // 1_000, 0x1F, 12abc: newer servers read these differently, or refuse them.
      const after = s.charCodeAt(j);
      if (isIdentChar(after) || after === Ch.Dot || after >= 128) return false;
      // A long integer is a numeric constant to the parser: its own shape.
      token(i, j, float || j - i > 9 ? 'F' : 'N', 'literal');
      i = j;
    } else if (c === Ch.Quote) {
      // Adjacent strings separated by a newline are one constant to PostgreSQL: not taken on.
      if (lastKind === 'string') return false;
      const j = quotedEnd(s, i, "'");
      if (j < 0) return false;
      token(i, j, 'S', 'string');
      i = j;
    } else if (c === Ch.DQuote) {
      const j = quotedEnd(s, i, '"');
      if (j < 0) return false;
      token(i, j, s.slice(i, j), 'qident');
      i = j;
    } else if (c === Ch.Colon) {
      if (s.charCodeAt(i + 1) !== Ch.Colon) return false; // :name is psql's
      token(i, i + 2, '::', 'punct');
      i += 2;
    } else if (c === Ch.LParen || c === Ch.RParen || c === Ch.Comma || c === Ch.Dot || c === Ch.LBracket || c === Ch.RBracket) {
      token(i, i + 1, s[i], 'punct');
      i++;
    } else if (OPERATOR.has(c)) {
      let j = i;
      while (j < n && OPERATOR.has(s.charCodeAt(j))) j++;
      const op = s.slice(i, j);
      // A comment starting inside an operator, and PostgreSQL's rules for trailing + and -: not taken on.
      if (op.includes('--') || op.includes('/*') || (op.length > 1 && /[+-]$/.test(op))) return false;
      token(i, j, op, 'op');
      i = j;
    } else {
      return false; // $, \, {, }, non-ASCII, control characters
    }
  }
  close();
  return !refused;
}
