// "30s" / "10m" / 500 → milliseconds. The schema has already checked the form.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: "${value}" (expected e.g. 500ms, 30s, 10m, 1h)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}
