// How values from PostgreSQL (pg returns bigint and numeric as strings),
// SQLite and YAML are compared as numbers and matched as text. How they are
// shown is src/present/value.ts.

/** Numbers as text: "18661", "-3.5", "1e6" (pg numeric/bigint arrive like this). */
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;


export function isNumericText(text: string): boolean {
  return NUMERIC_TEXT.test(text.trim());
}

/** A value as a number when it is one (number, bigint or numeric text); otherwise null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && isNumericText(value)) return Number(value.trim());
  return null;
}

/** An integer that may be too large for a double (pg bigint as text), for exact comparison. */
function toBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) return BigInt(value.trim());
  return null;
}

/**
 * Compare two numeric values: negative, 0 or positive; null when either is
 * not a number. Integers are compared exactly (bigint counts past 2^53 too).
 */
export function compareNumbers(a: unknown, b: unknown): number | null {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) return null;
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y)) {
    const bx = toBigInt(a);
    const by = toBigInt(b);
    if (bx !== null && by !== null) return bx === by ? 0 : bx < by ? -1 : 1;
  }
  return x === y ? 0 : x < y ? -1 : 1;
}

/** A value as raw text, for regex and substring matching. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (typeof value === 'object' && !Buffer.isBuffer(value)) return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}
