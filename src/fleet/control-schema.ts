// The control database's own tables (schema runbook_fleet), next to
// graphile-worker's queue. Migrations are numbered and applied once each,
// under an advisory lock (Control.open holds it), so any number of commands and workers may start at
// once against a fresh database.
import type pg from 'pg';

export const FLEET_SCHEMA = 'runbook_fleet';
/** Serializes migrations between processes starting at once. */
export const MIGRATE_LOCK = '7342150377364779264'; // "fleetmig" as a bigint

const MIGRATIONS: string[] = [
  `CREATE TABLE runbook_fleet.fleets (
     id bigserial PRIMARY KEY,
     name text NOT NULL,
     fleet_key text NOT NULL,
     runbook_id text NOT NULL,
     runbook_file text NOT NULL,
     runbook_sha text NOT NULL,
     plan jsonb NOT NULL,
     answers jsonb NOT NULL,
     state text NOT NULL,
     wave integer NOT NULL DEFAULT 0,
     gates_passed integer[] NOT NULL DEFAULT '{}',
     reason text,
     created_by text NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     ended_at timestamptz)`,
  // One live fleet per runbook and target set.
  `CREATE UNIQUE INDEX fleets_one_live ON runbook_fleet.fleets (fleet_key) WHERE state IN ('running', 'awaiting_approval', 'soaking', 'stopping')`,
  `CREATE TABLE runbook_fleet.targets (
     fleet_id bigint NOT NULL REFERENCES runbook_fleet.fleets ON DELETE CASCADE,
     name text NOT NULL,
     position integer NOT NULL,
     wave integer NOT NULL,
     connection jsonb NOT NULL,
     labels jsonb NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     run_id text,
     worker_id text,
     attempts integer NOT NULL DEFAULT 0,
     retry boolean NOT NULL DEFAULT false,
     current text,
     error text,
     started_at timestamptz,
     finished_at timestamptz,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (fleet_id, name))`,
  `CREATE TABLE runbook_fleet.runs (
     run_id text PRIMARY KEY,
     fleet_id bigint REFERENCES runbook_fleet.fleets ON DELETE CASCADE,
     target text NOT NULL,
     runbook_id text NOT NULL,
     operator text NOT NULL,
     worker_id text,
     state text NOT NULL,
     current text,
     started_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE runbook_fleet.approvals (
     id bigserial PRIMARY KEY,
     fleet_id bigint REFERENCES runbook_fleet.fleets ON DELETE CASCADE,
     run_id text,
     subject text NOT NULL,
     requested_by text NOT NULL,
     requested_role text NOT NULL DEFAULT current_user,
     requested_at timestamptz NOT NULL DEFAULT now(),
     approved_by text,
     approved_role text,
     approved_at timestamptz)`,
  // A worker process's presence: the backend of a connection it holds open for its life. When that backend is
  // gone from pg_stat_activity the process is dead, and the jobs its workers held are unlocked for others.
  `CREATE TABLE runbook_fleet.workers (
     worker_id text PRIMARY KEY,
     host text NOT NULL,
     pid integer NOT NULL,
     backend_pid integer NOT NULL,
     backend_start timestamptz NOT NULL,
     seen_at timestamptz NOT NULL DEFAULT now())`,
];

export async function migrateControl(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${FLEET_SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${FLEET_SCHEMA}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${FLEET_SCHEMA}.migrations`);
    const done = Number(rows[0].version);
    for (let i = done; i < MIGRATIONS.length; i++) {
      await client.query(MIGRATIONS[i]);
      await client.query(`INSERT INTO ${FLEET_SCHEMA}.migrations (version) VALUES ($1)`, [i + 1]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
