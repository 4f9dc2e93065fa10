// Everything a run needs to leave a record, wired up in one place for the run,
// resume and rollback commands: the lock, the journal (new or continued), the
// index entry, the shared record in the database, and the rollback bookkeeping.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { redactUrl } from '../exec/connection-url.js';
import { queryValues, targetChanges, type PgSession } from '../exec/postgres/index.js';
import type { RunEvent } from '../engine/events.js';
import { createRun, findItem } from '../engine/plan.js';
import type { RunKind, RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import type { Listener } from '../run/session.js';
import { openSharedRecord, type SharedRecord } from './db-record.js';
import { JournalWriter, lastRecord, readJournal, redactEvent, type EventRecord, type Journal, type JournalHeader } from './journal.js';
import { acquireRunLock, type RunLock } from './lock.js';
import { headerItems, journalStatus } from './replay.js';
import { forecast, planLines, type PlannedUndo } from './rollback-plan.js';
import { indexEntry, newRunId, openStore, operatorName, type Store } from './store.js';

export type Write = (line: string) => void;

export interface RecordRequest {
  runbook: Runbook;
  url: string;
  kind: RunKind;
  procedureId?: string;
  /** The steps this run walks (for the rollback forecast). */
  steps: readonly Step[];
  stateDir?: string;
  recordInDb?: boolean;
  /** Continue this run: its journal and the state replayed from it (secret inputs already filled in). */
  resume?: { journal: Journal; state: RunState };
  /** This run undoes that one: its journal and the original step ids, in the order undone. */
  rollbackOf?: { journal: Journal; plan: string[] };
  /** Where notes for the operator go (undefined in JSON mode: the journal has them). */
  show?: Write;
  warn: Write;
  clock?: () => number;
  /** A new run's id, chosen by the caller (a fleet's worker records it before the run starts). */
  runId?: string;
  /** Who the record names instead of the configured operator (a fleet's run: the person who started it, and the worker). */
  operator?: string;
}

export interface RunRecord {
  runId: string;
  journalPath: string;
  /** For RunSession's resumeFrom. */
  resumeFrom?: RunState;
  /** What undoing this run would run, newest first (runbook and procedure runs): for a screen to show. */
  rollbackPlan?: PlannedUndo[];
  /** Subscribe this before any renderer: the line is on disk before anything is shown. */
  listener: Listener;
  close(): Promise<void>;
}

export type OpenResult = { ok: true; record: RunRecord } | { ok: false; message: string; code: number };

/** Exit code when another run holds the lock. */
export const LOCKED_EXIT = 3;

export function runbookHash(rb: Runbook): string {
  const h = createHash('sha256').update(readFileSync(rb.file));
  for (const [name, text] of [...rb.sqlFiles].sort(([a], [b]) => a.localeCompare(b))) h.update(`\0${name}\0${text}`);
  return h.digest('hex');
}

export async function openRecord(req: RecordRequest): Promise<OpenResult> {
  const clock = req.clock ?? Date.now;
  const store = openStore(req.stateDir);
  const operator = req.operator ?? operatorName(store.settings());
  const runId = req.resume?.journal.header.runId ?? req.runId ?? newRunId(clock());
  const lock = await acquireRunLock(req.url, { runbookId: req.runbook.id, operator, runId });
  if (!lock.ok) return { ok: false, message: lock.message, code: LOCKED_EXIT };
  const cleanup: (() => Promise<void> | void)[] = [() => lock.lock.release()];
  const closeAll = async () => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    if (req.resume) {
      const refusal = await settleInterruptedRun(lock.lock, req.resume, req.show ?? req.warn);
      if (refusal) {
        await closeAll();
        return { ok: false, message: refusal, code: 1 };
      }
    }
    // Events come masked from the session (exec/secrets.ts); the inputs event keeps the values the run binds, so secret ones are replaced here.
    const secretInputs = new Set(Object.entries(req.runbook.inputs).filter(([, spec]) => spec.secret).map(([name]) => name));

    let journal: JournalWriter;
    let header: JournalHeader;
    let backlog: { seq: number; event: RunEvent; line: string }[] = [];
    if (req.resume) {
      header = req.resume.journal.header;
      const opened = JournalWriter.append(req.resume.journal.path);
      journal = opened.writer;
      journal.write({ record: 'session', action: 'resumed', operator, pid: process.pid, at: clock(), ...(opened.tornBytes ? { tornBytes: opened.tornBytes } : {}) });
      backlog = req.resume.journal.records.filter((r): r is EventRecord => r.record === 'event').map((r) => ({ seq: r.seq, event: r.event, line: JSON.stringify(r) }));
    } else {
      header = {
        record: 'header',
        version: 1,
        runId,
        runbook: { id: req.runbook.id, title: req.runbook.title, file: req.runbook.file, sha256: runbookHash(req.runbook) },
        kind: req.kind,
        ...(req.procedureId ? { procedureId: req.procedureId } : {}),
        ...(req.rollbackOf ? { rollbackOf: req.rollbackOf.journal.header.runId, plan: req.rollbackOf.plan } : {}),
        items: headerItems(createRun(req.runbook, { kind: req.kind, procedureId: req.procedureId, steps: req.steps, at: 0 }), req.steps),
        target: redactUrl(req.url),
        operator,
        pid: process.pid,
        startedAt: clock(),
        tool: 'runbook 0.1.0',
      };
      if (req.kind !== 'rollback') offerResume(store, req.runbook.id, lock.lock.session.target.database, req.show);
      journal = JournalWriter.create(store.journalPath(runId), header);
      store.remember(indexEntry(header, lock.lock.session.target.database, journal.path));
    }
    cleanup.push(() => journal.close());

    let shared: SharedRecord | undefined;
    if (req.recordInDb ?? store.settings().recordInDb) {
      try {
        shared = await openSharedRecord(lock.lock.session, header, backlog, req.warn);
        cleanup.push(() => shared!.flush());
      } catch (e) {
        req.warn(`shared record: not written to the target database (${e instanceof Error ? e.message : String(e)}); the local journal is complete`);
      }
    }

    const undone = req.rollbackOf ? openOriginal(req.rollbackOf, runId, clock) : undefined;
    if (undone) cleanup.push(() => undone.close());

    const plan = req.kind === 'runbook' || req.kind === 'procedure' ? forecast(req.runbook, req.steps) : undefined;
    const listener: Listener = (state, event) => {
      const written = journal.event(redactEvent(event, secretInputs));
      shared?.event(written.seq, event, written.line);
      if (event.type === 'target_pinned' && !req.resume && plan) {
        journal.write({ record: 'rollback_plan', at: clock(), steps: plan });
        req.show?.(`rollback plan (what \`runbook rollback ${runId}\` would undo, newest first, for the steps that complete):`);
        planLines(plan).forEach((l) => req.show?.(l));
      }
      undone?.onEvent(state, event);
    };
    return { ok: true, record: { runId, journalPath: journal.path, resumeFrom: req.resume?.state, rollbackPlan: plan, listener, close: closeAll } };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** A run of this runbook on this database that never finished: say how to pick it up (the screen offers it). */
export function unfinishedRun(store: Store, runbookId: string, database: string): { id: string; outcome: string; at?: string } | undefined {
  const last = store.runs().filter((r) => r.runbook === runbookId && r.database === database && r.kind !== 'rollback').pop();
  if (!last) return undefined;
  // Most runs succeeded: their journal's last line says so, and its output (perhaps 100 MB of it) need not be read.
  const end = lastRecord(last.journal);
  if (end?.record === 'event' && end.event.type === 'run_ended' && end.event.outcome === 'succeeded') return undefined;
  try {
    const status = journalStatus(readJournal(last.journal, { skipOutput: true }));
    return ['stopped', 'failed', 'aborted'].includes(status.outcome) ? { id: last.id, outcome: status.outcome, at: status.at } : undefined;
  } catch {
    return undefined;
  }
}

function offerResume(store: Store, runbookId: string, database: string, show?: Write): void {
  const open = unfinishedRun(store, runbookId, database);
  if (open) show?.(`note: run ${open.id} of this runbook on ${database} did not finish (${open.outcome}${open.at ? ` at ${open.at}` : ''}): \`runbook resume ${open.id}\` continues it, \`runbook rollback ${open.id}\` undoes it`);
}

/** The original run of a rollback: ended if it never was, and each step marked rolled back as its undo passes. */
function openOriginal(of: NonNullable<RecordRequest['rollbackOf']>, runId: string, clock: () => number) {
  const { writer } = JournalWriter.append(of.journal.path);
  if (journalStatus(of.journal).outcome === 'stopped') {
    writer.event({ type: 'run_ended', outcome: 'aborted', reason: `rolled back by run ${runId}`, at: clock() });
  }
  writer.write({ record: 'note', at: clock(), text: `rollback run ${runId} started: undoing ${of.plan.join(', ') || 'nothing'}` });
  return {
    onEvent(state: RunState, event: RunEvent) {
      if (event.type !== 'item_finished' && event.type !== 'item_confirmed') return;
      const item = findItem(state, event.key);
      if (item?.kind === 'step' && item.status === 'passed') writer.event({ type: 'item_rolled_back', key: `step:${item.id}`, at: clock() });
    },
    close: () => writer.close(),
  };
}

const SLEEP = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Before a resumed run touches anything: is this the database the run was
 * pinned to, and is the dead runner's connection still at work on the server?
 * A statement in a transaction block can never commit now, so it is ended; a
 * statement on its own may still finish, so it is waited for. Returns why the
 * resume is refused, or undefined.
 */
async function settleInterruptedRun(lock: RunLock, resume: NonNullable<RecordRequest['resume']>, say: Write): Promise<string | undefined> {
  const pinned = resume.state.target;
  const now = lock.session.target;
  if (!pinned) return undefined;
  // A field the journal scrubbed (a password equal to the user or database name) is unknown, not different.
  const known = Object.fromEntries(Object.entries(pinned).map(([k, v]) => [k, v === '***' ? now[k as keyof typeof now] : v])) as typeof pinned;
  const changes = targetChanges({ ...known, backendPid: now.backendPid, serverStartedAt: now.serverStartedAt }, now);
  if (pinned.host !== now.host || pinned.port !== now.port) changes.unshift(`the server is ${now.host}:${now.port} (was ${pinned.host}:${pinned.port})`);
  if (changes.length > 0) {
    return `refused: run ${resume.journal.header.runId} is pinned to ${pinned.host}:${pinned.port}/${pinned.database}, and this target differs: ${changes.join('; ')}. Pass --db for the run's own database.`;
  }
  if (pinned.serverStartedAt && pinned.serverStartedAt !== now.serverStartedAt) say(`resume: note: the server restarted since the run stopped (started at ${now.serverStartedAt}); whatever was in flight then was rolled back by the restart`);
  const pid = pinned.backendPid;
  if (!pid) return undefined;
  const pinnedAt = resume.journal.events.find((e) => e.type === 'target_pinned')?.at ?? resume.journal.header.startedAt;
  const orphan = (s: PgSession) =>
    queryValues(
      s,
      `SELECT pid, state, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query, xact_start < query_start AS in_block,
              to_char(now() - coalesce(query_start, backend_start), 'HH24:MI:SS') AS running
         FROM pg_stat_activity
        WHERE pid = $1 AND application_name LIKE 'runbook %' AND backend_start <= to_timestamp($2::double precision / 1000) + interval '1 second'`,
      [pid, pinnedAt],
    ).then((r) => r.rows[0]);
  let row = await orphan(lock.session);
  if (!row) return undefined;
  const describe = `the stopped run's connection (server pid ${pid}) is still ${row.state}: ${row.query} (for ${row.running})`;
  if (row.in_block === true || String(row.state).startsWith('idle')) {
    say(`resume: ${describe}; it can never commit now, so it is ended first`);
    await queryValues(lock.session, 'SELECT pg_terminate_backend($1)', [pid]);
  } else say(`resume: ${describe}; it may still finish on its own, so resume waits for it (Ctrl-C to give up)`);
  for (let waited = 0; (row = await orphan(lock.session)); waited += 1) {
    if (waited > 0 && waited % 120 === 0) say(`resume: still waiting for server pid ${pid} (${row.running})`);
    await SLEEP(250);
  }
  say(`resume: the stopped run's connection is gone`);
  return undefined;
}
