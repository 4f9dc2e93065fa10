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
  const { schemaname, relname } = rv;
  if (!relname) return schemaname ? quoteIfNeeded(schemaname) : '';
  return schemaname ? `${quoteIfNeeded(schemaname)}.${quoteIfNeeded(relname)}` : quoteIfNeeded(relname);
}

/** A name list ([schema,] name) → its name. */
export function relationOfNames(names: Node[] | undefined): string {
  let name = '';
  let first = true;
  for (const n of names ?? []) {
    const { type, body } = unwrap(n);
    if (type !== 'String') continue;
    name = first ? quoteIfNeeded(String(body.sval)) : `${name}.${quoteIfNeeded(String(body.sval))}`;
    first = false;
  }
  return name;
}
