// Step approvals, kept in the target database (runbook_record.approvals)
// beside the shared record: the runner asks and waits; `runbook approve`,
// connected as another database role, gives it. The rule that the approver is
// someone else is the database's: the UPDATE that approves only matches a
// request made by another role (current_user), so a runner cannot approve its
// own step by any client. A role is an identity the server authenticated; an
// operator name is a setting anyone can change, so it is recorded, not trusted.
import pg from 'pg';
import { RECORD_CHANNEL, RECORD_SCHEMA } from '../journal/db-record.js';

/** Announced (payload: the run id) when a step of the run is approved. */
export const APPROVAL_CHANNEL = 'runbook_approval';
const SETUP_LOCK = '8245937962428214123'; // "runbook approvals", as a bigint

const SETUP = [
  `CREATE SCHEMA IF NOT EXISTS ${RECORD_SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${RECORD_SCHEMA}.approvals (
    run_id text NOT NULL, item text NOT NULL, title text NOT NULL, reason text NOT NULL,
    runbook text NOT NULL, requested_by text NOT NULL, requested_role text NOT NULL DEFAULT current_user,
    requested_at timestamptz NOT NULL DEFAULT now(),
    approved_by text, approved_role text, approved_at timestamptz,
    PRIMARY KEY (run_id, item))`,
];

export interface ApprovalRequest {
  runId: string;
  runbook: string;
  key: string;
  title: string;
  reason: string;
  /** The operator who asks (the run's). */
  operator: string;
}

export interface Approval {
  by: string;
  role: string;
  at: number;
}

/** Where a run waits for approvals: one connection of its own to the target database, opened when a step first needs one. */
export interface ApprovalDesk {
  /** Records the request and waits until another role approves it; null when `signal` aborts first. */
  wait(req: ApprovalRequest, signal: AbortSignal): Promise<Approval | null>;
  close(): Promise<void>;
}

async function setUp(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SETUP_LOCK]);
    for (const sql of SETUP) await client.query(sql);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

const toApproval = (row: { approved_by: string; approved_role: string; approved_at: Date }): Approval => ({ by: row.approved_by, role: row.approved_role, at: row.approved_at.getTime() });

export function approvalDesk(url: string, pollMs = 1000): ApprovalDesk {
  let client: Promise<pg.Client> | undefined;
  const wakers = new Set<() => void>();
  const open = () =>
    (client ??= (async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'runbook approvals' });
      c.on('error', () => {});
      await c.connect();
      await setUp(c);
      c.on('notification', () => wakers.forEach((w) => w()));
      await c.query(`LISTEN ${APPROVAL_CHANNEL}`);
      return c;
    })());
  return {
    async wait(req, signal) {
      const c = await open();
      await c.query(
        `INSERT INTO ${RECORD_SCHEMA}.approvals (run_id, item, title, reason, runbook, requested_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (run_id, item) DO NOTHING`,
        [req.runId, req.key, req.title, req.reason, req.runbook, req.operator],
      );
      // Watchers of the run look again (what it waits for is in its record too).
      await c.query('SELECT pg_notify($1, $2)', [RECORD_CHANNEL, req.runId]);
      while (!signal.aborted) {
        const r = await c.query(`SELECT approved_by, approved_role, approved_at FROM ${RECORD_SCHEMA}.approvals WHERE run_id = $1 AND item = $2 AND approved_at IS NOT NULL`, [req.runId, req.key]);
        if (r.rows[0]) return toApproval(r.rows[0]);
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wakers.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, pollMs);
          wakers.add(done);
          signal.addEventListener('abort', done);
        });
      }
      return null;
    },
    async close() {
      const c = await client?.catch(() => undefined);
      await c?.end().catch(() => {});
    },
  };
}

export interface PendingApproval {
  runId: string;
  item: string;
  title: string;
  reason: string;
  runbook: string;
  requestedBy: string;
  requestedRole: string;
  requestedAt: string;
}

/** The approvals asked for and not given, in this database, oldest first (of one run, or every run). */
export async function pendingApprovals(client: pg.Client, runRef?: string): Promise<PendingApproval[]> {
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`${RECORD_SCHEMA}.approvals`]);
  if (exists.rows[0]?.ok !== true) return [];
  const r = await client.query(
    `SELECT run_id, item, title, reason, runbook, requested_by, requested_role, requested_at::text AS requested_at FROM ${RECORD_SCHEMA}.approvals
      WHERE approved_at IS NULL AND ($1::text IS NULL OR strpos(run_id, $1) > 0) ORDER BY requested_at, run_id, item`,
    [runRef ?? null],
  );
  return r.rows.map((row) => ({
    runId: row.run_id,
    item: row.item,
    title: row.title,
    reason: row.reason,
    runbook: row.runbook,
    requestedBy: row.requested_by,
    requestedRole: row.requested_role,
    requestedAt: row.requested_at,
  }));
}

/**
 * Approves the step as this connection's role; refused (returns the reason)
 * when this role is the one that asked. The run waiting on it is woken.
 */
export async function approve(client: pg.Client, p: PendingApproval, by: string): Promise<{ ok: true; role: string; at: string } | { ok: false; reason: string }> {
  const r = await client.query(
    `UPDATE ${RECORD_SCHEMA}.approvals SET approved_by = $3, approved_role = current_user, approved_at = now()
      WHERE run_id = $1 AND item = $2 AND approved_at IS NULL AND requested_role <> current_user
      RETURNING approved_role, approved_at::text AS approved_at`,
    [p.runId, p.item, by],
  );
  if (r.rows[0]) {
    await client.query('SELECT pg_notify($1, $2)', [APPROVAL_CHANNEL, p.runId]);
    return { ok: true, role: r.rows[0].approved_role, at: r.rows[0].approved_at };
  }
  const me = await client.query('SELECT current_user AS role');
  if (me.rows[0].role === p.requestedRole) {
    return { ok: false, reason: `the run asked as database role ${p.requestedRole}, and an approval must come from another role: connect as yourself (--db postgres://YOU@HOST/DB)` };
  }
  return { ok: false, reason: 'it was approved by someone else meanwhile' };
}
