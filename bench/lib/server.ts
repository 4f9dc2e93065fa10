// The PostgreSQL the bench runs against: BENCH_DATABASE_URL when given,
// otherwise an embedded one started the way the test suite starts its own.
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/exec/embedded.js';

export interface BenchServer {
  url: string;
  description: string;
  version: string;
  stop(): Promise<void>;
}

export async function openServer(log: (line: string) => void): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    return { url: given, description: `BENCH_DATABASE_URL (${given.replace(/:[^:@/]*@/, ':***@')})`, version: await serverVersion(given), stop: async () => {} };
  }
  log('bench: starting an embedded PostgreSQL (set BENCH_DATABASE_URL to use another server)…');
  const server = await startEmbeddedPostgres();
  return { url: server.url, description: `embedded PostgreSQL on port ${server.port}`, version: await serverVersion(server.url), stop: () => server.stop() };
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return String((await client.query('SHOW server_version')).rows[0].server_version).split(' ')[0];
  } finally {
    await client.end();
  }
}
