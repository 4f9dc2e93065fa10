// Column types as far as the lock model needs them: is a change from one to
// another binary-coercible (no rewrite), or does PostgreSQL rewrite the table.
// The rules are those of ATColumnChangeRequiresRewrite: a change needs no
// rewrite when the old values are valid as they are in the new type
// (varchar(n) → varchar(m ≥ n) or text, numeric(p,s) → numeric(q ≥ p, s), ...).

import type { Node } from 'libpg-query';
import { dottedName, unwrap } from './tree.js';

export interface ColumnType {
  /** Canonical name: int4, varchar, text, numeric, bit varying… */
  name: string;
  /** Type modifiers as written: varchar(10) → [10], numeric(10,2) → [10, 2]. */
  mods: number[];
  array: boolean;
}

const ALIASES: Record<string, string> = {
  integer: 'int4', int: 'int4', smallint: 'int2', bigint: 'int8', 'character varying': 'varchar',
  character: 'bpchar', char: 'bpchar', decimal: 'numeric', real: 'float4', 'double precision': 'float8',
  boolean: 'bool', serial: 'int4', bigserial: 'int8', smallserial: 'int2', serial4: 'int4', serial8: 'int8',
  serial2: 'int2', timestamptz: 'timestamptz', varbit: 'varbit', 'bit varying': 'varbit',
};

/** A TypeName node body → its canonical shape. */
export function columnType(typeName: unknown): ColumnType {
  const t = (typeName ?? {}) as { names?: Node[]; typmods?: Node[]; arrayBounds?: Node[] };
  const written = dottedName(t.names);
  const raw = written.startsWith('pg_catalog.') ? written.slice('pg_catalog.'.length) : written;
  const mods: number[] = [];
  for (const m of t.typmods ?? []) {
    const c = unwrap(m).body as { ival?: { ival?: number } };
    mods.push(Number(c.ival?.ival ?? 0));
  }
  return { name: ALIASES[raw] ?? raw, mods, array: (t.arrayBounds ?? []).length > 0 };
}

/** Whether a column typed `from` can become `to` without PostgreSQL rewriting the table. */
export function binaryCoercible(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false;
  const textual = (n: string) => n === 'varchar' || n === 'text';
  if (textual(from.name) && to.name === 'text') return true;
  if (textual(from.name) && to.name === 'varchar') {
    if (to.mods.length === 0) return true;
    return from.name === 'varchar' && from.mods.length > 0 && to.mods[0] >= from.mods[0];
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    if (from.mods.length === 0) return false;
    const [p1, s1 = 0] = from.mods;
    const [p2, s2 = 0] = to.mods;
    // Same scale and no fewer digits before the point: every old value fits unchanged.
    return s1 === s2 && p2 >= p1;
  }
  if ((from.name === 'varbit' && to.name === 'varbit')) {
    return to.mods.length === 0 || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  }
  if (from.name === 'cidr' && to.name === 'inet') return true;
  if (from.name === 'xml' && to.name === 'text') return true;
  // Same type, same or no modifier (e.g. timestamp(3) → timestamp).
  if (from.name === to.name) {
    if (to.mods.length === 0) return from.name !== 'bpchar' || from.mods.length === 0;
    return from.mods.length === to.mods.length && from.mods.every((m, i) => m === to.mods[i]);
  }
  return false;
}

export function typeWords(t: ColumnType): string {
  return `${t.name}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}
