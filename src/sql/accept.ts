// Accepting a finding on purpose in a .sql file, with a comment on the
// statement's line or just above it:
//   -- runbook: accept create-index-non-concurrently the table has 40 rows
// The comments are read with PostgreSQL's own scanner, so text inside strings
// never counts.

import { isComment, scanTokens } from './parser.js';
import { LineIndex } from './position.js';

export interface AcceptComment {
  rule: string;
  reason: string;
  line: number;
  column: number;
}

const ACCEPT = /^(?:--|\/\*)\s*runbook:\s*accept\s+([a-z0-9-]+)\s*(.*?)\s*(?:\*\/)?\s*$/s;

/** Every accept comment in source. Source that does not scan gives none (splitSql reports it). */
export function acceptComments(source: string): AcceptComment[] {
  let tokens;
  try {
    tokens = scanTokens(source);
  } catch {
    return [];
  }
  const lines = new LineIndex(source);
  const found: AcceptComment[] = [];
  for (const t of tokens) {
    if (!isComment(t)) continue;
    const m = ACCEPT.exec(t.text);
    if (m) found.push({ rule: m[1], reason: m[2].trim(), ...lines.at(t.start) });
  }
  return found;
}
