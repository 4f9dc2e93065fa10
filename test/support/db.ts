// Test databases: each test file gets its own fresh database on the real
// server named by TEST_DATABASE_URL (scripts/test.js sets it), dropped at the end.
import { after, before } from 'node:test';
import pg from 'pg';
import { connect, type PgSession } from '../../src/exec/postgres/index.js';

export function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test` (it starts a PostgreSQL).');
  return url;
}

export function urlForDatabase(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  /** A connected client on the test database, for arranging and asserting. */
  client: pg.Client;
  drop(): Promise<void>;
}

let counter = 0;
export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`.toLowerCase();
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = urlForDatabase(name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    name,
    url,
    client,
    async drop() {
      await client.end().catch(() => {});
      const a = new pg.Client({ connectionString: serverUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * A fresh database and an executor session on it, for the tests of one file:
 * made before them, closed and dropped after. Read its fields inside tests
 * (they are set once `before` has run).
 */
export function databaseWithSession(prefix: string): { readonly db: TestDatabase; readonly session: PgSession } {
  const fixture = {} as { db: TestDatabase; session: PgSession };
  before(async () => {
    fixture.db = await createTestDatabase(prefix);
    fixture.session = await connect(fixture.db.url);
  });
  after(async () => {
    await fixture.session?.close();
    await fixture.db?.drop();
  });
  return fixture;
}
