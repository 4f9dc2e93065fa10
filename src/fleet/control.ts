// The control database: fleets, their targets, live runs, approvals and the
// worker processes, beside graphile-worker's job queue in the same database.
// Every change to a target is announced on a channel, so a coordinator, a
// status view or a watcher waits on LISTEN instead of polling.
import pg from 'pg';
import { graphileWorker } from './graphile.js';
import { migrateControl, FLEET_SCHEMA, MIGRATE_LOCK } from './control-schema.js';
import { quietLogger } from './logger.js';
import type { Connection, FleetPlan, PlannedWave } from './targets.js';

/** A fleet's or a target's change: the payload is the fleet's id. */
export const CHANGED = 'runbook_fleet';
/** `fleet stop`: workers stop that fleet's runs before their next item. */
export const STOP = 'runbook_fleet_stop';
export const TASK = 'runbook_target';

export type FleetState = 'running' | 'soaking' | 'awaiting_approval' | 'stopping' | 'stopped' | 'failed' | 'succeeded';
export type TargetState = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'stopped';
export const LIVE_FLEET: readonly FleetState[] = ['running', 'soaking', 'awaiting_approval', 'stopping'];
export const FINISHED_TARGET: readonly TargetState[] = ['succeeded', 'failed', 'stopped'];

/** What the person who started the fleet answered once, for every target. */
export interface Answers {
  /** Inputs as given (name → text); secret inputs are never stored: workers take them from RUNBOOK_INPUT_<NAME>. */
  inputs: Record<string, string>;
  /** The runbook's manual confirmations, answered yes for every target. */
  confirmed: { by: string; at: string; texts: string[] } | null;
  /** Destructive steps allowed: the fleet's name was typed with the count of targets. */
  danger: { by: string; at: string; name: string; count: number } | null;
  recordInDb: boolean;
}

export interface StoredPlan {
  file: string;
  onFailure: 'stop' | 'continue';
  maxFailPercentage: number | null;
  waves: PlannedWave[];
}

export interface FleetRow {
  id: number;
  name: string;
  fleetKey: string;
  runbookId: string;
  runbookFile: string;
  runbookSha: string;
  plan: StoredPlan;
  answers: Answers;
  state: FleetState;
  wave: number;
  gatesPassed: number[];
  reason: string | null;
  createdBy: string;
  createdAt: string;
  endedAt: string | null;
}

export interface TargetRow {
  fleetId: number;
  name: string;
  position: number;
  wave: number;
  connection: Connection;
  labels: Record<string, string | number | boolean>;
  state: TargetState;
  runId: string | null;
  workerId: string | null;
  attempts: number;
  retry: boolean;
  current: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

function fleetRow(r: Record<string, unknown>): FleetRow {
  return {
    id: Number(r.id),
    name: String(r.name),
    fleetKey: String(r.fleet_key),
    runbookId: String(r.runbook_id),
    runbookFile: String(r.runbook_file),
    runbookSha: String(r.runbook_sha),
    plan: r.plan as StoredPlan,
    answers: r.answers as Answers,
    state: r.state as FleetState,
    wave: Number(r.wave),
    gatesPassed: (r.gates_passed as number[]).map(Number),
    reason: r.reason === null ? null : String(r.reason),
    createdBy: String(r.created_by),
    createdAt: iso(r.created_at)!,
    endedAt: iso(r.ended_at),
  };
}

function targetRow(r: Record<string, unknown>): TargetRow {
  return {
    fleetId: Number(r.fleet_id),
    name: String(r.name),
    position: Number(r.position),
    wave: Number(r.wave),
    connection: r.connection as Connection,
    labels: r.labels as TargetRow['labels'],
    state: r.state as TargetState,
    runId: r.run_id === null ? null : String(r.run_id),
    workerId: r.worker_id === null ? null : String(r.worker_id),
    attempts: Number(r.attempts),
    retry: Boolean(r.retry),
    current: r.current === null ? null : String(r.current),
    error: r.error === null ? null : String(r.error),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    updatedAt: iso(r.updated_at)!,
  };
}

export class Control {
  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
  ) {}

  /** Connects and brings both schemas (ours and graphile-worker's) up to date. */
  static async open(url: string, options: { poolSize?: number } = {}): Promise<Control> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 4, application_name: 'runbook fleet' });
    pool.on('error', () => {}); // an idle client's server going away is met at the next query
    try {
      // graphile-worker's migrations do not wait for each other: three workers starting on a fresh database
      // at once would race. Ours and theirs run under one session lock.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATE_LOCK]);
        await migrateControl(client);
        await graphileWorker().runMigrations({ pgPool: pool, logger: quietLogger() });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATE_LOCK]).catch(() => {});
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => {});
      throw err;
    }
    return new Control(url, pool);
  }

  query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql, params);
  }

  async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  /** A fleet by id (digits) or name: the newest of that name. */
  async fleet(ref: string | number): Promise<FleetRow | undefined> {
    const byId = typeof ref === 'number' || /^\d+$/.test(ref);
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.fleets WHERE ${byId ? 'id = $1::bigint' : 'name = $1'} ORDER BY id DESC LIMIT 1`, [String(ref)]);
    return rows[0] ? fleetRow(rows[0]) : undefined;
  }

  async fleets(): Promise<FleetRow[]> {
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.fleets ORDER BY id`);
    return rows.map(fleetRow);
  }

  async liveFleetByKey(key: string): Promise<FleetRow | undefined> {
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.fleets WHERE fleet_key = $1 AND state = ANY($2) ORDER BY id DESC LIMIT 1`, [key, LIVE_FLEET]);
    return rows[0] ? fleetRow(rows[0]) : undefined;
  }

  async targets(fleetId: number): Promise<TargetRow[]> {
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.targets WHERE fleet_id = $1 ORDER BY position`, [fleetId]);
    return rows.map(targetRow);
  }

  /** The targets whose run id is `ref` or contains it, the exact one first, newest fleet first. */
  async targetsByRun(ref: string): Promise<TargetRow[]> {
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.targets WHERE strpos(run_id, $1) > 0 ORDER BY run_id = $1 DESC, fleet_id DESC, position LIMIT 10`, [ref]);
    return rows.map(targetRow);
  }

  async target(fleetId: number, name: string): Promise<TargetRow | undefined> {
    const { rows } = await this.query(`SELECT * FROM ${FLEET_SCHEMA}.targets WHERE fleet_id = $1 AND name = $2`, [fleetId, name]);
    return rows[0] ? targetRow(rows[0]) : undefined;
  }

  /** Records a new fleet and its targets; undefined when a live fleet of the same runbook and targets exists. */
  async createFleet(f: { name: string; key: string; runbookId: string; runbookFile: string; runbookSha: string; plan: FleetPlan; answers: Answers; createdBy: string }): Promise<FleetRow | undefined> {
    return this.tx(async (c) => {
      const stored: StoredPlan = { file: f.plan.file, onFailure: f.plan.onFailure, maxFailPercentage: f.plan.maxFailPercentage, waves: f.plan.waves };
      const { rows } = await c.query(
        `INSERT INTO ${FLEET_SCHEMA}.fleets (name, fleet_key, runbook_id, runbook_file, runbook_sha, plan, answers, state, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running', $8) ON CONFLICT DO NOTHING RETURNING *`,
        [f.name, f.key, f.runbookId, f.runbookFile, f.runbookSha, JSON.stringify(stored), JSON.stringify(f.answers), f.createdBy],
      );
      if (!rows[0]) return undefined;
      const fleet = fleetRow(rows[0]);
      await c.query(
        `INSERT INTO ${FLEET_SCHEMA}.targets (fleet_id, name, position, wave, connection, labels)
         SELECT $1, t.name, t.position, t.wave, t.connection, t.labels
           FROM jsonb_to_recordset($2::jsonb) AS t(name text, position int, wave int, connection jsonb, labels jsonb)`,
        [fleet.id, JSON.stringify(f.plan.targets.map((t, position) => ({ ...t, position })))],
      );
      await c.query('SELECT pg_notify($1, $2)', [CHANGED, String(fleet.id)]);
      return fleet;
    });
  }

  async setFleet(id: number, change: { state?: FleetState; wave?: number; reason?: string | null; gatePassed?: number }): Promise<void> {
    await this.query(
      `UPDATE ${FLEET_SCHEMA}.fleets SET state = coalesce($2, state), wave = coalesce($3, wave), reason = CASE WHEN $4::boolean THEN $5 ELSE reason END,
              gates_passed = CASE WHEN $6::int IS NULL THEN gates_passed ELSE array_append(gates_passed, $6::int) END,
              ended_at = CASE WHEN coalesce($2, state) IN ('stopped', 'failed', 'succeeded') THEN coalesce(ended_at, now()) ELSE NULL END, updated_at = now()
        WHERE id = $1`,
      [id, change.state ?? null, change.wave ?? null, change.reason !== undefined, change.reason ?? null, change.gatePassed ?? null],
    );
    await this.notify(id);
  }

  notify(fleetId: number): Promise<unknown> {
    return this.query('SELECT pg_notify($1, $2)', [CHANGED, String(fleetId)]);
  }

  /** Queues a target: its state and its job in one transaction, so a coordinator killed in between leaves neither or both. */
  async enqueue(fleetId: number, name: string): Promise<void> {
    await this.tx(async (c) => {
      const { rowCount } = await c.query(`UPDATE ${FLEET_SCHEMA}.targets SET state = 'queued', error = NULL, updated_at = now() WHERE fleet_id = $1 AND name = $2 AND state = 'pending'`, [fleetId, name]);
      if (!rowCount) return;
      await c.query(`SELECT graphile_worker.add_job(identifier => $1::text, payload => $2::json, job_key => $3::text, max_attempts => 25)`, [TASK, JSON.stringify({ fleetId, target: name }), jobKey(fleetId, name)]);
      await c.query('SELECT pg_notify($1, $2)', [CHANGED, String(fleetId)]);
    });
  }

  /**
   * Targets whose worker process is gone (its presence connection left pg_stat_activity): their jobs are
   * unlocked at once for another worker to take (graphile-worker would otherwise wait for its 4-hour lock
   * timeout), and the target goes back to queued. Any process may sweep; doing it twice is harmless.
   */
  async sweepDeadWorkers(): Promise<string[]> {
    return this.tx(async (c) => {
      const { rows } = await c.query<{ worker_id: string }>(
        `SELECT w.worker_id FROM ${FLEET_SCHEMA}.workers w
          WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = w.backend_pid AND a.backend_start = w.backend_start)
          FOR UPDATE SKIP LOCKED`,
      );
      const dead = rows.map((r) => r.worker_id);
      if (!dead.length) return [];
      await c.query('SELECT graphile_worker.force_unlock_workers($1::text[])', [dead]);
      const { rows: moved } = await c.query<{ fleet_id: string }>(
        `UPDATE ${FLEET_SCHEMA}.targets SET state = 'queued', current = NULL, error = 'its worker died; taken again by another', updated_at = now()
          WHERE worker_id = ANY($1) AND state = 'running' RETURNING fleet_id`,
        [dead],
      );
      await c.query(`DELETE FROM ${FLEET_SCHEMA}.workers WHERE worker_id = ANY($1)`, [dead]);
      for (const id of new Set(moved.map((m) => m.fleet_id))) await c.query('SELECT pg_notify($1, $2)', [CHANGED, id]);
      return dead;
    });
  }
}

export const jobKey = (fleetId: number, name: string) => `fleet:${fleetId}:${name}`;
