// --trace-locks: the locks a statement really takes, read from PostgreSQL
// itself, beside what the lock model predicted. Inside a transaction our own
// backend's rows in pg_locks are read after the statement and before the
// commit; a statement that cannot run in a transaction (CREATE INDEX
// CONCURRENTLY, VACUUM...) is sampled from a side connection while it runs.
// A table whose file (relfilenode) changed was rewritten.
import type pg from 'pg';
import type { LockFacts, LockMode } from '../../sql/index.js';
import { lockRank } from '../../sql/locks.js';
import type { LockDifference, LockTrace, TracedLock } from '../types.js';

/** A relation of the database's own schemas, before or after a statement. */
interface RelInfo {
  name: string;
  kind: string;
  filenode: number | null;
}

type Relations = Map<number, RelInfo>;

const USER_RELATIONS = `SELECT c.oid::int8 AS oid, c.oid::regclass::text AS name, c.relkind AS kind, pg_relation_filenode(c.oid)::int8 AS filenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND c.relkind IN ('r', 'p', 'm', 'v', 'f', 'i', 'I', 'S')`;

/** Kinds whose locks are compared even when the model does not name them: tables, views, materialized views. */
const COMPARED_KINDS = new Set(['r', 'p', 'm', 'v', 'f']);
/** Kinds whose file changing is a rewrite (a sequence's too: ALTER SEQUENCE gives it a new file). */
const REWRITTEN_KINDS = new Set(['r', 'm', 'S']);

async function relations(client: pg.Client): Promise<Relations> {
  const rows = (await client.query(USER_RELATIONS)).rows as { oid: number; name: string; kind: string; filenode: string | null }[];
  return new Map(rows.map((r) => [Number(r.oid), { name: r.name, kind: r.kind, filenode: r.filenode === null ? null : Number(r.filenode) }]));
}

const OWN_LOCKS = `SELECT l.relation::int8 AS oid, l.mode, l.granted FROM pg_locks l WHERE l.pid = $1 AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

interface LockRow {
  oid: number;
  mode: LockMode;
  granted: boolean;
}

async function locksOf(client: pg.Client, pid: number): Promise<LockRow[]> {
  return ((await client.query(OWN_LOCKS, [pid])).rows as LockRow[]).map((r) => ({ ...r, oid: Number(r.oid) }));
}

/** The model names relations as written; the server resolves them (search_path, quoting) to oids. */
async function resolve(client: pg.Client, names: string[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (const name of names) {
    try {
      const r = await client.query('SELECT to_regclass($1)::oid::int8 AS oid', [name]);
      out.set(name, r.rows[0]?.oid === null || r.rows[0]?.oid === undefined ? null : Number(r.rows[0].oid));
    } catch {
      out.set(name, null); // a name the server cannot read: compared by text below
    }
  }
  return out;
}

/** What is known before a traced statement runs. */
export interface TraceStart {
  index: number;
  command: string;
  startedAt: number;
  before: Relations;
  predicted: LockFacts | null;
  predictedOids: Map<string, number | null>;
  /** Modes our backend already held per relation (earlier statements of the same transaction). */
  heldBefore: Map<number, Set<string>>;
}

/** Reads, on our own connection, what the trace compares against. */
export async function traceStart(client: pg.Client, pid: number, index: number, command: string, predicted: LockFacts | null, inTransaction: boolean): Promise<TraceStart> {
  const before = await relations(client);
  const predictedOids = await resolve(client, predicted?.analysable ? [...predicted.relations.map((r) => r.relation), ...(predicted.unpredictable?.relations ?? [])] : []);
  const heldBefore = new Map<number, Set<string>>();
  if (inTransaction) {
    for (const l of await locksOf(client, pid)) if (l.granted) heldBefore.set(l.oid, (heldBefore.get(l.oid) ?? new Set()).add(l.mode));
  }
  return { index, command, startedAt: Date.now(), before, predicted: predicted?.analysable ? predicted : null, predictedOids, heldBefore };
}

/** After the statement, still inside its transaction: our backend's locks now. */
export async function traceInTransaction(client: pg.Client, pid: number, start: TraceStart): Promise<Pending> {
  const rows = (await locksOf(client, pid)).filter((l) => l.granted && !start.heldBefore.get(l.oid)?.has(l.mode));
  return { start, method: 'transaction', rows, after: await relations(client) };
}

/** A trace waiting for its transaction to end (how long the locks were held is known then). */
export interface Pending {
  start: TraceStart;
  method: 'transaction' | 'sampled';
  rows: LockRow[];
  after: Relations;
  samples?: number;
  heldMs?: number;
}

/** Samples our backend's locks from a side connection while a statement that runs outside a transaction runs. */
export function sampleLocks(side: () => Promise<pg.Client>, pid: number, intervalMs = 5): { stop(): Promise<{ rows: LockRow[]; samples: number; heldMs: number }> } {
  const seen = new Map<string, LockRow>();
  let samples = 0;
  let first: number | null = null;
  let last: number | null = null;
  let stopped = false;
  const loop = (async () => {
    let client: pg.Client;
    try {
      client = await side();
    } catch {
      return;
    }
    while (!stopped) {
      try {
        const rows = await locksOf(client, pid);
        samples++;
        if (rows.length > 0) {
          first ??= Date.now();
          last = Date.now();
        }
        for (const r of rows) seen.set(`${r.oid}:${r.mode}`, r);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { rows: [...seen.values()], samples, heldMs: first !== null && last !== null ? last - first : 0 };
    },
  };
}

/** After a sampled statement: the tables' files now, on our own connection. */
export async function traceSampled(client: pg.Client, start: TraceStart, sampled: { rows: LockRow[]; samples: number; heldMs: number }): Promise<Pending> {
  return { start, method: 'sampled', rows: sampled.rows, after: await relations(client), samples: sampled.samples, heldMs: sampled.heldMs };
}

/** The finished trace: traced vs predicted. `endedAt`: when its transaction ended (locks released). */
export function finishTrace(p: Pending, endedAt: number): LockTrace {
  const { start } = p;
  const predictedByOid = new Map<number, { relation: string; mode: LockMode }>();
  for (const r of start.predicted?.relations ?? []) {
    const oid = start.predictedOids.get(r.relation);
    if (oid !== null && oid !== undefined) predictedByOid.set(oid, r);
  }
  // What the model said it cannot predict (a trigger's function: anything; a foreign key's check: these tables).
  const unpredictable = start.predicted?.unpredictable;
  const mayLock = (oid: number) =>
    unpredictable !== undefined && (unpredictable.relations === null || unpredictable.relations.some((r) => start.predictedOids.get(r) === oid));
  const name = (oid: number) => start.before.get(oid)?.name ?? predictedByOid.get(oid)?.relation ?? p.after.get(oid)?.name ?? String(oid);
  // The strongest mode per relation this statement took, on relations that existed before it
  // (what it makes itself is not in the model) or that the model names (a catalog view, say).
  const strongest = new Map<number, LockMode>();
  for (const r of p.rows) {
    if (!start.before.has(r.oid) && !predictedByOid.has(r.oid)) continue;
    const held = strongest.get(r.oid);
    if (!held || lockRank(r.mode) > lockRank(held)) strongest.set(r.oid, r.mode);
  }
  const compared = (oid: number) => predictedByOid.has(oid) || COMPARED_KINDS.has(start.before.get(oid)?.kind ?? '');
  const traced: TracedLock[] = [...strongest].filter(([oid]) => compared(oid)).map(([oid, mode]) => ({ relation: name(oid), mode }));
  const rewritten = [...start.before]
    .filter(([oid, rel]) => REWRITTEN_KINDS.has(rel.kind) && rel.filenode !== null && p.after.has(oid) && p.after.get(oid)!.filenode !== rel.filenode)
    .map(([, rel]) => rel.name);

  const differences: LockDifference[] = [];
  const unpredicted: LockDifference[] = [];
  if (start.predicted) {
    for (const [oid, want] of predictedByOid) {
      const got = strongest.get(oid);
      if (got === want.mode) continue;
      // Already held by an earlier statement of the transaction: this one needed no new lock.
      if (!got && [...(start.heldBefore.get(oid) ?? [])].some((m) => lockRank(m as LockMode) >= lockRank(want.mode))) continue;
      // Sampling can miss a lock, or see one taken on the way to a stronger one; it can only disprove by seeing more.
      if (p.method === 'sampled' && (!got || lockRank(got) < lockRank(want.mode))) continue;
      differences.push({ relation: name(oid), predicted: want.mode, traced: got ?? null });
    }
    for (const [oid, mode] of strongest) {
      if (!predictedByOid.has(oid) && compared(oid)) (mayLock(oid) ? unpredicted : differences).push({ relation: name(oid), predicted: null, traced: mode });
    }
    if (start.predicted.rewrite !== rewritten.length > 0) {
      const what = rewritten.length > 0 ? rewritten.join(', ') : (start.predicted.relations[0]?.relation ?? 'the table');
      differences.push({ relation: what, predicted: start.predicted.rewrite ? 'rewrite' : 'no rewrite', traced: rewritten.length > 0 ? 'rewrite' : 'no rewrite' });
    }
  }
  return {
    index: start.index,
    command: start.command,
    method: p.method,
    ...(p.samples !== undefined ? { samples: p.samples } : {}),
    traced,
    predicted: start.predicted ? start.predicted.relations.map((r) => ({ relation: r.relation, mode: r.mode })) : null,
    rewritten,
    predictedRewrite: start.predicted ? start.predicted.rewrite : null,
    heldMs: p.heldMs ?? Math.max(0, endedAt - start.startedAt),
    differences,
    ...(unpredictable ? { unpredictable: { reason: unpredictable.reason, traced: unpredicted } } : {}),
  };
}

/** How a statement is traced: sampled (it cannot run in a transaction), read inside the step's or its own transaction, or not at all. */
export type TraceMode = 'sampled' | 'in-transaction' | 'own-transaction' | null;

/** The trace of one step: one statement at a time, each emitted once its locks are released. */
export class StepTracer {
  private pending: Pending[] = [];
  private start: TraceStart | null = null;
  private sampler: ReturnType<typeof sampleLocks> | null = null;
  private side: Promise<pg.Client> | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly pid: number,
    private readonly openSide: () => Promise<pg.Client>,
    private readonly emit: (trace: LockTrace) => void,
  ) {}

  /** Before statement `index` (inside its transaction when there is one). */
  async before(index: number, command: string, predicted: LockFacts | null, mode: Exclude<TraceMode, null>): Promise<void> {
    this.start = await traceStart(this.client, this.pid, index, command, predicted, mode !== 'sampled');
    if (mode === 'sampled') {
      await this.sideConnection(); // open before the statement starts: a quick one is over in milliseconds
      this.sampler = sampleLocks(() => this.sideConnection(), this.pid);
    }
  }

  /** After the statement succeeded (still inside its transaction when there is one). */
  async after(): Promise<void> {
    const start = this.start;
    this.start = null;
    if (!start) return;
    if (this.sampler) {
      const sampled = await this.sampler.stop();
      this.sampler = null;
      this.pending.push(await traceSampled(this.client, start, sampled));
    } else {
      this.pending.push(await traceInTransaction(this.client, this.pid, start));
    }
  }

  /** The statement failed: nothing to trace of it. */
  async abandon(): Promise<void> {
    this.start = null;
    await this.sampler?.stop();
    this.sampler = null;
  }

  /** The locks were released (commit, rollback, or a statement outside a transaction ended): emit what waited. */
  flush(endedAt = Date.now()): void {
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.emit(finishTrace(p, endedAt));
  }

  private sideConnection(): Promise<pg.Client> {
    this.side ??= this.openSide();
    return this.side;
  }

  async close(): Promise<void> {
    await this.abandon();
    const side = this.side;
    this.side = null;
    if (side) await side.then((c) => c.end()).catch(() => {});
  }
}
