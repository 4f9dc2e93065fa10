// The TimescaleDB tests' server and the few things they do with it. The server is a real
// PostgreSQL 15.18 with TimescaleDB 2.28.3 built from ../shared/vendor, named by
// TIMESCALE_DATABASE_URL (`bash scripts/timescaledb.sh` builds and starts one; `... url` prints it).
// These tests are not part of `npm test`: `npm run test:timescale` runs them, and CI always does.
import pg from 'pg';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runCli, type CliResult } from '../support/cli.js';
import { openStore } from '../../src/journal/store.js';

export const rb000 = join(root, 'runbooks/000-timescale-oi-aggregates.yaml');
export const rb001 = join(root, 'runbooks/001-sqlite-to-timescaledb.yaml');
export const mig000 = join(root, 'migrations/000-timescale-oi-aggregates');
export const mig001 = join(root, 'migrations/001-sqlite-to-timescaledb');

export function serverUrl(): string {
  const url = process.env.TIMESCALE_DATABASE_URL;
  if (!url) {
    throw new Error('TIMESCALE_DATABASE_URL is not set: start the server with `bash scripts/timescaledb.sh`, then `TIMESCALE_DATABASE_URL=$(bash scripts/timescaledb.sh url) npm run test:timescale`');
  }
  return url;
}

export function urlFor(database: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** One statement on a database of the server (default: the server's own URL), on a connection of its own. */
export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

let counter = 0;
/** A fresh, empty database on the TimescaleDB server; drop() removes it (with its scheduler). */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${counter++}`;
  await query(serverUrl(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await query(serverUrl(), `CREATE DATABASE "${name}"`);
  return { name, url: urlFor(name), drop: () => query(serverUrl(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined) };
}

/** A folder for the runs' journals of one test. */
export const stateDir = () => mkdtempSync(join(tmpdir(), 'runbook-tsdb-state-'));

/** The program in plain mode, recording in `state`; prints the run's step lines so the CI log shows each one. */
export async function runbook(args: string[], state: string, label: string): Promise<CliResult> {
  const started = Date.now();
  const r = await runCli([...args, '--plain', '--state-dir', state], { DATABASE_URL: '', NO_COLOR: '1' });
  const lines = r.stdout.split('\n').filter((l) => /^── |^ {2}(passed in|FAILED|✗|✓ confirmed|auto-confirmed)|^run (succeeded|failed)|^rollback of|^plan:/.test(l));
  console.log(`${label} (exit ${r.code}, ${((Date.now() - started) / 1000).toFixed(1)} s):\n${lines.map((l) => `  ${l}`).join('\n')}`);
  return r;
}

/**
 * What a failed command printed that explains it, for an assertion's message: the last step's block
 * (its statements, the error, the troubleshooting) and stderr — not the whole run, which a CI log
 * would cut in the middle, where the error is.
 */
export function failure(r: CliResult): string {
  const lines = r.stdout.split('\n');
  const last = lines.map((l, i) => (l.startsWith('── ') ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
  const block = lines.slice(Math.max(0, last));
  // A long block is cut in its middle, but never its failed checks and errors (✗), which say why.
  const middle = block.slice(60, -10);
  const failed = middle.filter((l) => /^\s+✗/.test(l));
  const shown = block.length > 80 ? [...block.slice(0, 60), `… ${middle.length - failed.length} lines …`, ...failed, ...block.slice(-10)] : block;
  return `exit ${r.code}; the last step's output:\n${shown.join('\n')}${r.stderr ? `\nstderr:\n${r.stderr}` : ''}`;
}

/** A failed check line that measured time: a duration or a speed-up. */
const timingFailure = (line: string) => /(^|: )(duration|speed-up)( — .*)?$/.test(line.replace(/^\s*✗\s*/, ''));

/**
 * The refresh of a continuous aggregate stopped because another refresh of it was running: migration 016
 * adds a refresh policy, whose first run starts at once, just before its initial refresh of the same
 * aggregate (the real scheduler: seen once in CI). The step says to run it again, and its troubleshooting
 * entry (v2-concurrent-refresh) says why.
 */
const concurrentRefresh = (line: string) => /SQL error 55P03 .*due to a concurrent refresh/.test(line);

/**
 * A run to its end. The seeds' targets are timings (a query under 100 ms, a 3× speed-up), and this
 * machine is shared: when the only failed checks of a run are timing checks, or a refresh that met the
 * refresh policy's own run (concurrentRefresh), it is retried as an operator would — resumed at the
 * failed step with --retry (--db), or run again (--sandbox-on, whose database is gone) — at most twice,
 * each attempt in the log. Any other failure ends it at once. The result's stdout is every attempt's,
 * in order.
 */
export async function runToEnd(args: string[], state: string, label: string): Promise<CliResult & { attempts: number }> {
  let r = await runbook(args, state, label);
  let stdout = r.stdout;
  let attempts = 1;
  while (r.code === 1 && attempts < 3) {
    const failed = r.stdout.split('\n').filter((l) => /^\s+✗/.test(l));
    if (failed.length === 0 || !failed.every((l) => timingFailure(l) || concurrentRefresh(l))) break;
    attempts++;
    const again = args.includes('--sandbox-on') ? args : ['resume', lastRunId(state), '--retry', ...args.slice(2)];
    r = await runbook(again, state, `${label}, attempt ${attempts} after: ${failed.map((l) => l.trim()).join('; ')}`);
    stdout += r.stdout;
  }
  return { ...r, stdout, attempts };
}

/**
 * The id of the newest run recorded in `state`, as `runbook history` orders runs (by start time).
 * Not by file name: an id is its start to the second and a random suffix, so two runs started in
 * the same second (scenario 1 takes under one) sorted by chance.
 */
export function lastRunId(state: string): string {
  return openStore(state, { reading: true }).runs().at(-1)!.id;
}

/** Runs a SQL file with psql, statement by statement (autocommit), or in one transaction. */
export function psqlFile(url: string, file: string, oneTransaction = false): void {
  const r = spawnSync('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(oneTransaction ? ['-1'] : []), '-f', file], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`psql -f ${file} failed (${r.status}): ${r.stderr}`);
}

/** The distinct items that passed (or were confirmed), over every attempt in `out`. */
export function passed(out: string): Set<string> {
  return new Set(items(out).filter((i) => i.passed).map((i) => i.title));
}

/** The "── kind n/N: title" lines of a plain run, each with whether the item passed (or was confirmed). */
export function items(out: string): { title: string; passed: boolean }[] {
  const blocks = out.split('\n── ').slice(1);
  return blocks.map((block) => {
    const [title, ...rest] = block.split('\n');
    const passed = rest.some((l) => /^ {2}(passed in|✓ confirmed|auto-confirmed \(--(yes|undone-by-hand)\))/.test(l)) && !rest.some((l) => /^ {2}FAILED/.test(l));
    return { title, passed };
  });
}
