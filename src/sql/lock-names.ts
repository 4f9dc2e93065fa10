// Relation names the way pg_locks shows them through relation::regclass::text:
// schema-qualified only when written so, quoted only when the name needs it.

import type { Node } from 'libpg-query';
import { unwrap } from './tree.js';

function quoteIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A RangeVar body (or a wrapped RangeVar node) → its name. */
export function relationOf(rangeVar: unknown): string {
  let rv = (rangeVar ?? {}) as { schemaname?: string; relname?: string; RangeVar?: unknown };
  if (rv.RangeVar) rv = rv.RangeVar as typeof rv;
  return [rv.schemaname, rv.relname].filter((p): p is string => Boolean(p)).map(quoteIfNeeded).join('.');
}

/** A name list ([schema,] name) → its name. */
export function relationOfNames(names: Node[] | undefined): string {
  return (names ?? [])
    .map((n) => unwrap(n))
    .filter((n) => n.type === 'String')
    .map((n) => quoteIfNeeded(String(n.body.sval)))
    .join('.');
}
