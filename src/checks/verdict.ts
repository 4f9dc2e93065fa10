// The outcome of one check, in words an operator reads at a glance:
//   expected: rows = 0
//   actual:   3 rows, first: {ticker: "AAPL", cnt: 2}

export interface Verdict {
  /** What was checked, short: "row count", "version (first row)", "plan". */
  label: string;
  ok: boolean;
  /** The condition in words, e.g. "rows = 0", "duration < 1s". */
  expected: string;
  /** What was found, e.g. "3 rows", "1.42 s". Always filled, pass or fail. */
  actual: string;
}

export function verdict(label: string, ok: boolean, expected: string, actual: string): Verdict {
  return { label, ok, expected, actual };
}
