// PostgreSQL's eight table-level lock modes, weakest first, with what each
// one blocks of ordinary traffic (the documentation's "Conflicting Lock Modes"
// table, https://www.postgresql.org/docs/current/explicit-locking.html).

/** Lock modes as pg_locks.mode names them. */
export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

/** Weakest first: the order of PostgreSQL's LOCKMODE numbers 1..8 (lockdefs.h). */
export const LOCK_MODES: readonly LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

/** LOCK TABLE's mode number (LockStmt.mode, lockdefs.h) → its name. */
export function lockModeOfNumber(mode: number): LockMode {
  return LOCK_MODES[Math.min(Math.max(mode, 1), 8) - 1];
}

export function lockRank(mode: LockMode): number {
  return LOCK_MODES.indexOf(mode);
}

export function stronger(a: LockMode, b: LockMode): LockMode {
  return lockRank(a) >= lockRank(b) ? a : b;
}

/** What a lock mode blocks of ordinary application traffic: SELECT (AccessShare) and INSERT/UPDATE/DELETE (RowExclusive). */
export function blocksOfMode(mode: LockMode | null): 'nothing' | 'writes' | 'reads and writes' {
  if (mode === null) return 'nothing';
  if (mode === 'AccessExclusiveLock') return 'reads and writes';
  // SHARE, SHARE ROW EXCLUSIVE and EXCLUSIVE conflict with ROW EXCLUSIVE but not ACCESS SHARE.
  return lockRank(mode) >= lockRank('ShareLock') ? 'writes' : 'nothing';
}

/** The SQL words of a mode, as LOCK TABLE and the documentation write it: 'ACCESS EXCLUSIVE'. */
export function lockModeWords(mode: LockMode): string {
  let words = modeWords.get(mode);
  if (words === undefined) {
    words = mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
    // Said in every finding: the eight modes are each worded once (a journal's text is not kept).
    if (modeWords.size < LOCK_MODES.length) modeWords.set(mode, words);
  }
  return words;
}

const modeWords = new Map<string, string>();
