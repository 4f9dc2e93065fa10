// {{ inputs.x }} and {{ ident inputs.x }} in runbook SQL. Inputs never become
// SQL text: a value becomes a bind parameter ($n), a name becomes a quoted
// identifier, and anything that would splice an input into a string literal,
// comment or other token is refused. The check is done with PostgreSQL's own
// scanner on the text that will actually be sent.

import type { Node } from 'libpg-query';
import { PlaceholderError, SqlSyntaxError } from './errors.js';
import { isComment, ParseFailure, parseStatements, scanTokens, type Token } from './parser.js';
import { lineColumnAt, positionWithin } from './position.js';
import { quoteIdent } from './quote.js';
import { commandOf } from './command.js';
import { unwrap } from './tree.js';
import type { BoundSql, InputValue, Placeholder, Replacement } from './types.js';

/** A placeholder at JS string indices [start, end) of some text. */
export interface FoundPlaceholder {
  start: number;
  end: number;
  name: string;
  ident: boolean;
}

/** A {{ ... }} that is meant as a placeholder but is not one. */
export interface PlaceholderProblem {
  start: number;
  message: string;
}

const FORMS = 'write {{ inputs.name }} for a value or {{ ident inputs.name }} for a name';

function isNameStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
}
function isNameChar(ch: string): boolean {
  return isNameStart(ch) || (ch >= '0' && ch <= '9');
}
function isName(s: string): boolean {
  return s.length > 0 && isNameStart(s[0]) && [...s].every(isNameChar);
}

/** The leading word of s (letters, digits, _), after spaces. */
function firstWord(s: string): string {
  const t = s.trimStart();
  let n = 0;
  while (n < t.length && isNameChar(t[n])) n++;
  return t.slice(0, n);
}

/**
 * Find every placeholder in text. A '{{' counts as a placeholder when the
 * word after it is inputs/input/ident or it mentions inputs before '}}';
 * other '{{' (like the array literal '{{1,2},{3,4}}') are left for SQL to judge.
 */
export function findPlaceholders(text: string): { found: FoundPlaceholder[]; problem?: PlaceholderProblem } {
  const found: FoundPlaceholder[] = [];
  for (let start = text.indexOf('{{'); start !== -1; start = text.indexOf('{{', start + 1)) {
    const newline = text.indexOf('\n', start);
    const lineEnd = newline === -1 ? text.length : newline;
    const close = text.indexOf('}}', start + 2);
    const word = firstWord(text.slice(start + 2, start + 40));
    const mentionsInputs = close !== -1 && close < lineEnd && text.slice(start + 2, close).includes('inputs');
    if (!['inputs', 'input', 'ident'].includes(word) && !mentionsInputs) continue;
    if (close === -1 || close > lineEnd) {
      const shown = text.slice(start, Math.min(lineEnd, start + 40)).trimEnd();
      return { found, problem: { start, message: `Placeholder "${shown}" is not closed: end it with }} on the same line` } };
    }
    const end = close + 2;
    const words = text.slice(start + 2, close).trim().split(/\s+/);
    const ident = words[0] === 'ident';
    const ref = ident ? words[1] ?? '' : words[0];
    const name = ref.startsWith('inputs.') ? ref.slice('inputs.'.length) : '';
    if (!isName(name) || words.length !== (ident ? 2 : 1)) {
      return { found, problem: { start, message: `Malformed placeholder "${text.slice(start, end)}": ${FORMS}` } };
    }
    found.push({ start, end, name, ident });
    start = end - 1;
  }
  return { found };
}

/**
 * The text with each placeholder replaced by something of the same length the
 * parser accepts in its place: '$1' for a value, an unquoted name for an
 * identifier. Offsets, lines and columns stay those of the original.
 */
export function maskPlaceholders(text: string, found: FoundPlaceholder[]): string {
  let out = '';
  let at = 0;
  for (const p of found) {
    const length = p.end - p.start;
    out += text.slice(at, p.start) + (p.ident ? '_'.repeat(length) : '$1'.padEnd(length));
    at = p.end;
  }
  return out + text.slice(at);
}

/** Every placeholder in source, for validation. Throws PlaceholderError on a malformed one. */
export function placeholdersIn(source: string): Placeholder[] {
  const { found, problem } = findPlaceholders(source);
  if (problem) {
    const { line, column } = lineColumnAt(source, problem.start);
    throw new PlaceholderError(problem.message, line, column);
  }
  return found.map((p) => ({ name: p.name, ident: p.ident, ...lineColumnAt(source, p.start) }));
}

/** How a placeholder was written, for messages. */
function written(p: FoundPlaceholder): string {
  return p.ident ? `{{ ident inputs.${p.name} }}` : `{{ inputs.${p.name} }}`;
}

/** Whether PostgreSQL accepts bind parameters in this statement (tried against a server: see the tests). */
function acceptsParameters(node: Node): boolean {
  const { type, body } = unwrap(node);
  switch (type) {
    case 'SelectStmt': case 'InsertStmt': case 'UpdateStmt': case 'DeleteStmt': case 'MergeStmt':
    case 'CallStmt': case 'DeclareCursorStmt':
      return true;
    case 'ExplainStmt':
      return acceptsParameters(body.query as Node);
    case 'CreateTableAsStmt':
      // CREATE TABLE AS takes them; a materialized view refuses "bound parameters".
      return body.objtype !== 'OBJECT_MATVIEW';
  }
  return false;
}

/** What kind of token a placeholder landed in, in words. */
function describeToken(token: Token | undefined): string {
  if (!token) return 'another token';
  if (isComment(token)) return 'a comment';
  if (token.name === 'SCONST' && token.text.startsWith('$')) return 'a dollar-quoted body';
  if (token.text.includes("'")) return 'a string literal';
  if (token.name === 'IDENT' && token.text.startsWith('"')) return 'a quoted identifier';
  return 'another token';
}

function misplacedMessage(p: FoundPlaceholder, where: string): string {
  const ph = written(p);
  if (where === 'another token') {
    return p.ident
      ? `${ph} is joined to the text next to it: it becomes one whole quoted name, so pass the full name as the input`
      : `${ph} is joined to the text next to it: put a space or an operator between them`;
  }
  if (where === 'a comment') {
    return `${ph} is inside a comment, where it would not be used; remove it or move it out of the comment`;
  }
  if (where === 'a quoted identifier') {
    return `${ph} is inside a quoted identifier. For a name, write {{ ident inputs.${p.name} }} without the quotes around it`;
  }
  return p.ident
    ? `${ph} is inside ${where}, where quoting would not protect it. A name can only go where SQL expects a name; ` +
        `to use the value as text, write {{ inputs.${p.name} }} outside any quotes`
    : `${ph} is inside ${where}, where it would not become a bind parameter. ` +
        `Put it outside the quotes (name = {{ inputs.${p.name} }}, or 'prefix' || {{ inputs.${p.name} }} to build text)`;
}

type Fail = (index: number, message: string) => never;

/** Parse the masked statement; a parse error on a value placeholder means it stands where no parameter may. */
function parseMasked(masked: string, found: FoundPlaceholder[], fail: Fail, failSyntax: Fail): Node {
  let parsed;
  try {
    parsed = parseStatements(masked);
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    const hit = found.find((p) => !p.ident && e.index >= p.start && e.index < p.end);
    if (hit) fail(hit.start, noParameterMessage(hit, masked));
    failSyntax(e.index, e.message);
  }
  if (parsed.length !== 1) throw new Error(`bindPlaceholders takes one statement, got ${parsed.length}; split the SQL with splitSql first`);
  return parsed[0].node;
}

/**
 * Message for a value placeholder where PostgreSQL takes no bind parameter:
 * in a utility statement (CREATE INDEX, DO, SET...) or where the grammar wants
 * a name. `statement` is the (masked) statement text; `node` its tree if it parsed.
 */
export function noParameterMessage(p: FoundPlaceholder, statement: string, node?: Node): string {
  let first = '';
  try {
    first = scanTokens(statement).find((t) => !isComment(t))?.text.toUpperCase() ?? '';
  } catch {
    // Only for the wording; the error stands without it.
  }
  const type = node ? unwrap(node).type : '';
  const where = type === 'DoStmt' ? 'in a DO block' : node ? `in ${commandOf(node)}` : 'in this position';
  const setHint = first === 'SET'
    ? `. For a setting, use SELECT set_config('name', {{ inputs.${p.name} }}, false)`
    : '';
  return `${written(p)} cannot be a bind parameter here: PostgreSQL takes parameters only as values in ` +
    `SELECT, INSERT, UPDATE, DELETE, MERGE, CALL and EXPLAIN of those, not ${where}. ` +
    `For a name (table, index, column...), write {{ ident inputs.${p.name} }}; ` +
    `for a value, move it into a SELECT/INSERT/UPDATE/DELETE${setHint}`;
}

/**
 * Replace {{ inputs.x }} with $1..$n (the same input reuses its number) and
 * {{ ident inputs.x }} with quoteIdent(value). opts.line/column: where the
 * statement starts in its source, so errors point at the source.
 * Needs ensureParser() when the statement has placeholders.
 */
export function bindPlaceholders(
  statementText: string,
  inputs: Record<string, InputValue>,
  opts: { line?: number; column?: number } = {},
): BoundSql {
  const start = { line: opts.line ?? 1, column: opts.column ?? 1 };
  const at = (index: number) => positionWithin(statementText, index, start);
  const fail: Fail = (index, message) => {
    const { line, column } = at(index);
    throw new PlaceholderError(message, line, column);
  };
  const failSyntax: Fail = (index, message) => {
    const { line, column } = at(index);
    throw new SqlSyntaxError(message, line, column);
  };

  const { found, problem } = findPlaceholders(statementText);
  if (problem) fail(problem.start, problem.message);
  if (found.length === 0) return { text: statementText, params: [], replacements: [] };

  for (const p of found) {
    if (!Object.hasOwn(inputs, p.name)) fail(p.start, unknownInput(p, inputs));
  }
  const masked = maskPlaceholders(statementText, found);
  const node = parseMasked(masked, found, fail, failSyntax);
  const firstValue = found.find((p) => !p.ident);
  if (firstValue && !acceptsParameters(node)) fail(firstValue.start, noParameterMessage(firstValue, masked, node));

  const bound = substitute(statementText, found, inputs, fail);
  checkTokens(masked, bound, found, fail);
  return bound;
}

function unknownInput(p: FoundPlaceholder, inputs: Record<string, InputValue>): string {
  const known = Object.keys(inputs);
  return `Unknown input "${p.name}" in ${written(p)}: ` +
    (known.length ? `the inputs are ${known.join(', ')}` : 'no inputs are declared');
}

/** Build the text to send and its parameters. */
function substitute(text: string, found: FoundPlaceholder[], inputs: Record<string, InputValue>, fail: Fail): BoundSql {
  const params: InputValue[] = [];
  const numbers = new Map<string, number>();
  const replacements: Replacement[] = [];
  let out = '';
  let at = 0;
  for (const p of found) {
    out += text.slice(at, p.start);
    const value = inputs[p.name];
    let inserted: string;
    if (p.ident) {
      if (typeof value !== 'string' && typeof value !== 'number') fail(p.start, `Input "${p.name}" is ${String(value)}, not a name, so ${written(p)} cannot use it`);
      if (String(value) === '' || String(value).includes('\0')) fail(p.start, `Input "${p.name}" is not a usable name for ${written(p)}: it is empty or contains a NUL character`);
      inserted = quoteIdent(String(value));
    } else {
      let n = numbers.get(p.name);
      if (n === undefined) {
        params.push(value);
        n = params.length;
        numbers.set(p.name, n);
      }
      inserted = `$${n}`;
    }
    replacements.push({ sourceStart: p.start, sourceEnd: p.end, sentStart: out.length, sentEnd: out.length + inserted.length });
    out += inserted;
    at = p.end;
  }
  return { text: out + text.slice(at), params, replacements };
}

/**
 * Each placeholder must be exactly one token of its own: a PARAM for a value,
 * an IDENT for a name. Checked twice: on the masked text (lexes like the
 * statement as written, so it says *where* a placeholder landed) and on the
 * text to send (so nothing glued on either side changed the tokens).
 */
function checkTokens(masked: string, bound: BoundSql, found: FoundPlaceholder[], fail: Fail): void {
  const maskedTokens = scanTokens(masked);
  const byStart = new Map(maskedTokens.map((t) => [t.start, t]));
  for (const p of found) {
    const t = byStart.get(p.start);
    const ok = p.ident ? t?.name === 'IDENT' && t.end === p.end : t?.name === 'PARAM';
    if (!ok) fail(p.start, misplacedMessage(p, describeToken(maskedTokens.find((x) => x.start <= p.start && p.start < x.end))));
  }
  // A $n written by hand would collide with the numbers given to placeholders.
  const values = new Set(found.filter((p) => !p.ident).map((p) => p.start));
  const raw = maskedTokens.find((t) => t.name === 'PARAM' && !values.has(t.start));
  if (raw) fail(raw.start, `${raw.text} is a positional parameter written by hand; write {{ inputs.name }} instead so runbook numbers the parameters`);

  let sent: Token[] | undefined;
  try {
    sent = scanTokens(bound.text);
  } catch {
    sent = undefined;
  }
  const sentByStart = new Map((sent ?? []).map((t) => [t.start, t]));
  found.forEach((p, i) => {
    const r = bound.replacements![i];
    const t = sentByStart.get(r.sentStart);
    if (t?.name !== (p.ident ? 'IDENT' : 'PARAM') || t.end !== r.sentEnd) fail(p.start, misplacedMessage(p, 'another token'));
  });
}
