// Binding placeholders to input values. Inputs never become SQL text: a value
// becomes a bind parameter ($n), a name becomes a quoted identifier, and
// anything that would splice an input into a string literal, comment or other
// token is refused. The check is done with PostgreSQL's own scanner on the
// text that will actually be sent.

import type { Node } from 'libpg-query';
import { PlaceholderError, SqlSyntaxError } from './errors.js';
import { describeToken, misplacedMessage, nameProblem, noParameterMessage, unknownInput } from './messages.js';
import { ParseFailure, parseStatements, scanTokens, type Token } from './parser.js';
import { findPlaceholders, maskPlaceholders, type FoundPlaceholder } from './placeholders.js';
import { positionWithin } from './position.js';
import { quoteIdent } from './quote.js';
import { unwrap } from './tree.js';
import type { BoundSql, InputValue, Replacement } from './types.js';

type Fail = (index: number, message: string) => never;

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

/** Parse the masked statement; a parse error on a value placeholder means it stands where no parameter may. */
function parseMasked(masked: string, found: FoundPlaceholder[], fail: Fail, failSyntax: Fail): Node | undefined {
  let parsed;
  try {
    parsed = parseStatements(masked);
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    const hit = found.find((p) => !p.ident && e.index >= p.start && e.index < p.end);
    if (hit) fail(hit.start, noParameterMessage(hit, masked));
    failSyntax(e.index, e.message);
  }
  if (parsed.length > 1) throw new Error(`bindPlaceholders takes one statement, got ${parsed.length}; split the SQL with splitSql first`);
  // No statement at all: only comments, which checkTokens reports.
  return parsed[0]?.node;
}

/**
 * Replace {{ inputs.x }} with $1..$n (the same input reuses its number) and
 * {{ ident inputs.x }} with quoteIdent(value). opts.line/column: where the
 * statement starts in its source, so errors point at the source. opts.tree:
 * the statement's parse tree when splitSql made it (parseTreeOf): splitSql
 * parsed the same text with its placeholders masked the same way, so it is not
 * parsed a second time (a runbook's lint and a step's start bind every
 * statement). The scanner's check of every placeholder's place still runs.
 * Needs ensureParser() when the statement has placeholders.
 */
export function bindPlaceholders(
  statementText: string,
  inputs: Record<string, InputValue>,
  opts: { line?: number; column?: number; tree?: Node } = {},
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
  // One pair of empty lists for every statement without placeholders (a data fix has 100,000 of them).
  if (found.length === 0) return { text: statementText, params: NO_PARAMS, replacements: NO_REPLACEMENTS };

  for (const p of found) {
    if (!Object.hasOwn(inputs, p.name)) fail(p.start, unknownInput(p, inputs));
  }
  const masked = maskPlaceholders(statementText, found);
  const node = opts.tree ?? parseMasked(masked, found, fail, failSyntax);
  const firstValue = found.find((p) => !p.ident);
  if (firstValue && node && !acceptsParameters(node)) fail(firstValue.start, noParameterMessage(firstValue, masked, node));

  const bound = substitute(statementText, found, inputs, fail);
  checkTokens(masked, bound, found, fail);
  return bound;
}

const NO_PARAMS = Object.freeze([]) as unknown as InputValue[];
const NO_REPLACEMENTS = Object.freeze([]) as unknown as Replacement[];

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
      const problem = nameProblem(p, value);
      if (problem) fail(p.start, problem);
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
