// Time in words, one wording everywhere: a step's duration, a statement's, a
// timeout a runbook declares, a lock holder's age, a run's length in a report.
//   0.42 ms · 18.3 ms · 187.4 ms · 1.42 s · 30 s · 2 min 3 s · 10 min · 1 h 5 min
// Below a second to a tenth of a millisecond or better (a speed-up check
// compares 0.42 ms with 0.11 ms); from a minute on whole seconds, because
// nobody reads more. Trailing zeros are dropped: 44 ms, 30 s.
// The one other form is the ticking `clock` of a running step or run (0:07,
// 1:02:03): a display that changes every second, read at a glance.

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${duration(-ms)}`;
  if (ms < 10) return `${trim(ms.toFixed(2))} ms`;
  if (ms < 999.95) return `${trim(ms.toFixed(1))} ms`;
  if (ms < 59_995) return `${trim((ms / 1000).toFixed(2))} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return join(Math.floor(s / 60), 'min', s % 60, 's');
  const m = Math.round(s / 60);
  return join(Math.floor(m / 60), 'h', m % 60, 'min');
}

/** "0:07", "12:03", "1:02:03": a running clock. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** A moment as the record shows it: "2026-12-07 02:21:30Z" (UTC, to the second). */
export function timestamp(ms: number | undefined): string {
  return ms === undefined ? '—' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function join(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}
