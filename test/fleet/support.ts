// Fleet tests' pieces: many target databases at once on the test server, a
// control database, worker processes and the CLI, all real.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { serverUrl, urlForDatabase } from '../support/db.js';
import { startCli, type CliProcess } from '../support/cli.js';

export const BIN = fileURLToPath(new URL('../../../bin/runbook.js', import.meta.url));

/** The server's URL without its password (a targets file refuses one), and the password for PGPASSWORD. */
export function passwordless(url: string): { url: string; password: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), password };
}

export type Proc = CliProcess;

export const start = (args: string[], env: Record<string, string> = {}): Proc => startCli(args, env);

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs `sql(name)` for every name on three connections at once (creating and dropping a database waits on the disk, not the CPU). */
async function eachDatabase(names: readonly string[], sql: (name: string) => string): Promise<void> {
  const queue = [...names];
  await Promise.all(
    [0, 1, 2].map(() =>
      admin(async (c) => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) await c.query(sql(name));
      }),
    ),
  );
}

/** `n` fresh databases named prefix_01.. (the prefix holds the test's pid, so none exists yet). */
export async function createDatabases(prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}_${String(i + 1).padStart(2, '0')}`);
  await eachDatabase(names, (name) => `CREATE DATABASE "${name}"`);
  return names;
}

export async function dropDatabases(names: readonly string[]): Promise<void> {
  await eachDatabase(names, (name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * `n` databases named prefix_01.. kept between test runs and emptied at the start of each: on a
 * busy server DROP DATABASE waits for a checkpoint (about a second each here), creating is cheap.
 * The caller holds `lockFleetDatabases` so two runs of the test never share them.
 */
export async function reusableDatabases(prefix: string, n: number): Promise<string[]> {
  const names = Array.from({ length: n }, (_, i) => `${prefix}_${String(i + 1).padStart(2, '0')}`);
  const existing = new Set(await admin(async (c) => (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}\_%`])).rows.map((r) => r.datname)));
  await eachDatabase(
    names.filter((n) => !existing.has(n)),
    (name) => `CREATE DATABASE "${name}"`,
  );
  await Promise.all(
    [0, 1, 2].map(async (k) => {
      for (const name of names.filter((_, i) => i % 3 === k)) {
        await inDatabase(name, (c) => c.query('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS runbook_fleet CASCADE; DROP SCHEMA IF EXISTS graphile_worker CASCADE; DROP SCHEMA IF EXISTS runbook_record CASCADE; CREATE SCHEMA public'));
      }
    }),
  );
  return names;
}

/** Holds a session lock on the server for as long as the returned client is open. */
export async function lockFleetDatabases(prefix: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: serverUrl() });
  await c.connect();
  await c.query('SELECT pg_advisory_lock(hashtext($1))', [prefix]);
  return c;
}

export async function inDatabase<T>(name: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlForDatabase(name) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
