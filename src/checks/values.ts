// How values from PostgreSQL (pg returns bigint and numeric as strings),
// SQLite and YAML are shown to an operator and compared as numbers.

/** Numbers as text: "18661", "-3.5", "1e6" (pg numeric/bigint arrive like this). */
const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;

/** One line, at most max characters: newlines shown as ↵ so a row stays on one line. */
export function shorten(text: string, max = 80): string {
  const oneLine = text.replace(/\r?\n/g, ' ↵ ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

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

/** A value as an operator should see it: NULL, 18661, "AAPL", true. */
export function formatValue(value: unknown, max = 60): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'string') return isNumericText(value) ? value.trim() : JSON.stringify(shorten(value, max));
  return shorten(valueText(value), max);
}

/** A row on one line: {ticker: "AAPL", cnt: 2}. */
export function formatRow(row: Record<string, unknown>, max = 120): string {
  const parts = Object.entries(row).map(([column, value]) => `${column}: ${formatValue(value, 40)}`);
  const text = `{${parts.join(', ')}}`;
  return text.length <= max ? text : `${text.slice(0, max - 2)}…}`;
}

/** "1 row", "3 rows". */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** Milliseconds as an operator reads them: 0.42 ms, 187.4 ms, 1.42 s, 2m 03s. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}
