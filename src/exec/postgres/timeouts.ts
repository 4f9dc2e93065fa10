// Step-scoped server limits, and the small queries that put a session back in
// order after a failure.
import type pg from 'pg';

/**
 * Set statement_timeout / lock_timeout for the step; returns how to put back
 * the values the session had before (so a step's limit never leaks into the
 * next step or a check), or null when the step sets neither.
 */
export async function applyTimeouts(client: pg.Client, timeoutMs?: number, lockTimeoutMs?: number, keepLockTimeout = false): Promise<(() => Promise<void>) | null> {
  // null: not set now, but remembered, because the lock guard changes it between attempts.
  const settings: [string, number | null][] = [];
  if (timeoutMs !== undefined && timeoutMs > 0) settings.push(['statement_timeout', timeoutMs]);
  if (lockTimeoutMs !== undefined && lockTimeoutMs > 0) settings.push(['lock_timeout', lockTimeoutMs]);
  else if (keepLockTimeout) settings.push(['lock_timeout', null]);
  if (settings.length === 0) return null;
  const names = settings.map(([name]) => name);
  const before = (await client.query({ text: `SELECT ${names.map((_, i) => `current_setting($${i + 1})`).join(', ')}`, values: names, rowMode: 'array' })).rows[0] as string[];
  const now = settings.filter((s): s is [string, number] => s[1] !== null);
  if (now.length > 0) await setAll(client, now.map(([name, ms]) => [name, String(Math.ceil(ms))]));
  return () => setAll(client, names.map((name, i) => [name, before[i]]));
}

/** lock_timeout for the next statements of this session; null: none (0). */
export async function setLockTimeout(client: pg.Client, ms: number | null): Promise<void> {
  await setAll(client, [['lock_timeout', ms === null ? '0' : String(Math.ceil(ms))]]);
}

async function setAll(client: pg.Client, pairs: [string, string][]): Promise<void> {
  // set_config(..., false) is session-level, like SET, but takes bind parameters.
  const calls = pairs.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, false)`).join(', ');
  await client.query(`SELECT ${calls}`, pairs.flat());
}

/**
 * Run a clean-up statement, once more if a late cancel lands on it (57014);
 * failures are swallowed: the original error is what the operator needs.
 */
export async function settle(client: pg.Client, sql: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await client.query(sql);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '57014') return;
    }
  }
}
