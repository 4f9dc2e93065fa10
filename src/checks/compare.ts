// A value compared across two connections, e.g. row counts in the SQLite
// source vs the PostgreSQL target: one value, or one verdict per key when
// `by` names a key column (table_name → count).
import type { ComparisonOp } from './conditions.js';
import { valueWords } from '../present/value.js';
import { toNumber, valueText } from './values.js';
import { verdict, type Verdict } from './verdict.js';

type Row = Record<string, unknown>;

export interface CompareSide {
  /** Shown in verdicts: "sqlite", "postgres", a connection name. */
  label: string;
  columns: string[];
  rows: Row[];
}

export interface CompareSpec {
  op: ComparisonOp;
  /** Key column: rows are matched by it, the other columns compared. */
  by?: string;
  /** Allowed absolute difference between numbers (for =, !=, <=, >=). */
  tolerance?: number;
}

/** Does left op right hold? Numbers numerically (within tolerance), anything else as text. */
function holds(left: unknown, right: unknown, op: ComparisonOp, tolerance: number): { ok: boolean; difference?: number } {
  const l = toNumber(left);
  const r = toNumber(right);
  if (l !== null && r !== null) {
    const difference = l - r;
    const near = Math.abs(difference) <= tolerance;
    const ok = { '=': near, '!=': !near, '<': difference < 0, '<=': difference <= tolerance, '>': difference > 0, '>=': difference >= -tolerance }[op];
    return { ok, difference };
  }
  if (left === null || left === undefined || right === null || right === undefined) return { ok: false };
  const a = valueText(left);
  const b = valueText(right);
  if (op === '=') return { ok: a === b };
  if (op === '!=') return { ok: a !== b };
  return { ok: false }; // ordering needs numbers: text order would be a guess
}

function expectedText(left: string, right: string, spec: CompareSpec, what = ''): string {
  const tolerance = spec.tolerance ? ` (± ${spec.tolerance})` : '';
  return `${what}${left} ${spec.op} ${right}${tolerance}`;
}

function pairText(left: CompareSide, l: unknown, right: CompareSide, r: unknown, difference?: number): string {
  const diff = difference !== undefined && difference !== 0 ? ` (difference ${Math.abs(difference)})` : '';
  return `${left.label} ${valueWords(l)}, ${right.label} ${valueWords(r)}${diff}`;
}

export function compareVerdicts(left: CompareSide, right: CompareSide, spec: CompareSpec): Verdict[] {
  return spec.by === undefined ? [singleValueVerdict(left, right, spec)] : keyedVerdicts(left, right, spec, spec.by);
}

function singleValueVerdict(left: CompareSide, right: CompareSide, spec: CompareSpec): Verdict {
  const label = `${left.label} vs ${right.label}`;
  const expected = expectedText(left.label, right.label, spec);
  for (const side of [left, right]) {
    if (side.rows.length === 0 || side.columns.length === 0) return verdict(label, false, expected, `${side.label} returned no rows`);
  }
  const l = left.rows[0][left.columns[0]];
  const r = right.rows[0][right.columns[0]];
  const { ok, difference } = holds(l, r, spec.op, spec.tolerance ?? 0);
  return verdict(label, ok, expected, pairText(left, l, right, r, difference));
}

/** A key as text, so 1 (SQLite) and "1" (pg bigint) are the same key. */
function keyText(value: unknown): string {
  const n = toNumber(value);
  return n !== null ? String(n) : valueText(value);
}

/** Which value column on the left is compared with which on the right. */
function pairColumns(left: CompareSide, right: CompareSide, by: string): [string, string][] | string {
  const l = left.columns.filter((c) => c !== by);
  const r = right.columns.filter((c) => c !== by);
  if (l.length === 0 || r.length === 0) return `no column besides ${JSON.stringify(by)} to compare`;
  if (l.every((c) => r.includes(c))) return l.map((c) => [c, c]);
  // count vs cnt: one value column each side is compared whatever its name.
  if (l.length === 1 && r.length === 1) return [[l[0], r[0]]];
  return `the columns differ: ${left.label} has ${l.join(', ')}; ${right.label} has ${r.join(', ')}`;
}

function groupByKey(side: CompareSide, by: string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of side.rows) {
    const key = keyText(row[by]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

function keyedVerdicts(left: CompareSide, right: CompareSide, spec: CompareSpec, by: string): Verdict[] {
  const label = `${left.label} vs ${right.label} by ${by}`;
  for (const side of [left, right]) {
    if (!side.columns.includes(by)) return [verdict(label, false, `both sides have a ${by} column`, `${side.label} has no column ${JSON.stringify(by)} (columns: ${side.columns.join(', ') || 'none'})`)];
  }
  const pairs = pairColumns(left, right, by);
  if (typeof pairs === 'string') return [verdict(label, false, `the same columns on both sides`, pairs)];
  const what = pairs.length === 1 && pairs[0][0] === pairs[0][1] ? `${pairs[0][0]}: ` : '';
  const expected = expectedText(left.label, right.label, spec, what);
  const leftRows = groupByKey(left, by);
  const rightRows = groupByKey(right, by);
  const keys = [...new Set([...leftRows.keys(), ...rightRows.keys()])];
  if (keys.length === 0) return [verdict(label, false, expected, 'both sides returned no rows')];
  return keys.map((key) => keyVerdict(`${by} = ${key}`, expected, left, leftRows.get(key) ?? [], right, rightRows.get(key) ?? [], pairs, spec));
}

function keyVerdict(label: string, expected: string, left: CompareSide, l: Row[], right: CompareSide, r: Row[], pairs: [string, string][], spec: CompareSpec): Verdict {
  if (l.length === 0) return verdict(label, false, expected, `missing in ${left.label} (${right.label} has ${formatPairs(r[0], pairs, 1)})`);
  if (r.length === 0) return verdict(label, false, expected, `missing in ${right.label} (${left.label} has ${formatPairs(l[0], pairs, 0)})`);
  if (l.length > 1 || r.length > 1) {
    const side = l.length > 1 ? left : right;
    return verdict(label, false, expected, `the key appears ${Math.max(l.length, r.length)} times in ${side.label}; keys must be unique`);
  }
  const results = pairs.map(([lc, rc]) => ({ lc, rc, ...holds(l[0][lc], r[0][rc], spec.op, spec.tolerance ?? 0) }));
  const actual = results
    .map(({ lc, rc, difference }) => {
      const name = pairs.length > 1 ? `${lc}: ` : '';
      return name + pairText(left, l[0][lc], right, r[0][rc], difference);
    })
    .join('; ');
  return verdict(label, results.every((x) => x.ok), expected, actual);
}

function formatPairs(row: Row, pairs: [string, string][], side: 0 | 1): string {
  return pairs.map((pair) => `${pair[side]} ${valueWords(row[pair[side]])}`).join(', ');
}
