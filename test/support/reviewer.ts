// A second database role for approval tests: a login of its own (with a
// password, since the embedded server authenticates by password), allowed to
// read and approve what waits in a database's runbook_record.approvals.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { serverUrl, type TestDatabase } from './db.js';

export interface Reviewer {
  role: string;
  password: string;
  /** The test database, connected as this role. */
  url: string;
  /** What a reviewer needs: once the table exists (the run asked for an approval). */
  grant(): Promise<void>;
  /** Drops the role (after the database is dropped). */
  drop(): Promise<void>;
}

export async function createReviewer(db: TestDatabase): Promise<Reviewer> {
  const role = `reviewer_${process.pid}_${randomBytes(3).toString('hex')}`;
  const password = randomBytes(9).toString('hex');
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  return {
    role,
    password,
    url: url.toString(),
    grant: () => db.client.query(`GRANT USAGE ON SCHEMA runbook_record TO ${role}; GRANT SELECT, UPDATE ON runbook_record.approvals TO ${role}`).then(() => undefined),
    async drop() {
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    },
  };
}
