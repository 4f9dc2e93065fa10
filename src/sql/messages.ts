// What to tell the author when a placeholder cannot be used where it is.
// Every message says what is wrong and what to write instead.

import type { Node } from 'libpg-query';
import { commandOf } from './command.js';
import { isComment, scanTokens, type Token } from './parser.js';
import { written, type FoundPlaceholder } from './placeholders.js';
import { unwrap } from './tree.js';
import type { InputValue } from './types.js';

/** What kind of token a placeholder landed in, in words. */
export function describeToken(token: Token | undefined): string {
  if (!token) return 'another token';
  if (isComment(token)) return 'a comment';
  if (token.name === 'SCONST' && token.text.startsWith('$')) return 'a dollar-quoted body';
  if (token.text.includes("'")) return 'a string literal';
  if (token.name === 'IDENT' && token.text.startsWith('"')) return 'a quoted identifier';
  return 'another token';
}

export function misplacedMessage(p: FoundPlaceholder, where: string): string {
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

/** An input the runbook does not declare. */
export function unknownInput(p: FoundPlaceholder, inputs: Record<string, InputValue>): string {
  const known = Object.keys(inputs);
  return `Unknown input "${p.name}" in ${written(p)}: ` +
    (known.length ? `the inputs are ${known.join(', ')}` : 'no inputs are declared');
}

/** Why an input value cannot be used as a name by {{ ident ... }}, or null. */
export function nameProblem(p: FoundPlaceholder, value: InputValue): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return `Input "${p.name}" is ${String(value)}, not a name, so ${written(p)} cannot use it`;
  }
  if (String(value) === '' || String(value).includes('\0')) {
    return `Input "${p.name}" is not a usable name for ${written(p)}: it is empty or contains a NUL character`;
  }
  return null;
}
