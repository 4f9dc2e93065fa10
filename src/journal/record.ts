// Everything a run needs to leave a record, wired up in one place for the run,
// resume and rollback commands: the lock, the journal (new or continued), the
// index entry, the shared record in the database, and the rollback bookkeeping.
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { redactUrl } from '../exec/connection-url.js';
import { targetChangesText } from '../present/target.js';
import { onlyMinorUpgrade, targetDiff, type PgSession } from '../exec/postgres/index.js';
import { settleLeftovers } from './leftovers.js';
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
  /** The run's own connection, opened ahead: not taken for a dead runner's. */
  connection?: Promise<PgSession>;
  /** The lock's connection, opened ahead (journal/lock.ts connectForLock) for this run id and the operator recordOperator names. */
  lockConnection?: Promise<PgSession>;
  kind: RunKind;
  procedureId?: string;
  /** The steps this run walks (for the rollback forecast). */
  steps: readonly Step[];
  stateDir?: string;
  recordInDb?: boolean;
  /** resume --accept-target-change: a minor upgrade of the server since the run was pinned is accepted. */
  acceptTargetChange?: boolean;
  /** Continue this run: its journal and the state replayed from it (secret inputs already filled in). */
  resume?: { journal: Journal; state: RunState };
  /** This run undoes that one: its journal and the original step ids, in the order undone. */
  rollbackOf?: { journal: Journal; plan: string[] };
  /** Where notes for the operator go (undefined in JSON mode: the journal has them). */
  show?: Write;
  warn: Write;
  clock?: () => number;
  /** A new run's id, chosen by the caller (its connection carries it; a fleet's worker records it before the run starts); a resume keeps the journal's. */
  runId?: string;
  /** Who the record names instead of the configured operator (a fleet's run: the person who started it, and the worker). */
  operator?: string;
  /** The flags that decide in the operator's place, for the header (or the resume's session line). */
  flags?: readonly string[];
}

export interface RunRecord {
  runId: string;
  /** Who the record names as running it. */
  operator: string;
  /** With the shared record: resolves when every line so far is in the database (awaited before a statement goes out). */
  recorded?: () => Promise<void>;
  journalPath: string;
  /** For RunSession's resumeFrom. */
  resumeFrom?: RunState;
  /** What undoing this run would run, newest first (runbook and procedure runs): for a screen to show. */
  rollbackPlan?: PlannedUndo[];
  /** Subscribe this before any renderer: the line is on disk before anything is shown. */
  listener: Listener;
  close(): Promise<void>;
}

/** Why no record was opened: another run holds the lock, or the resumed run's target is not this one. */
export type OpenResult = { ok: true; record: RunRecord } | { ok: false; message: string; reason: 'locked' | 'target' };


export function runbookHash(rb: Runbook, chunkChars = HASH_CHUNK_CHARS): string {
  const h = createHash('sha256').update(readFileSync(rb.file));
  for (const [name, text] of [...rb.sqlFiles].sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`\0${name}\0`);
    updateInChunks(h, text, chunkChars);
  }
  return h.digest('hex');
}

/** UTF-16 units hashed at a time: a data fix's 10 MB sql_file was copied whole, twice (joined to its name, then encoded). */
const HASH_CHUNK_CHARS = 1 << 20;

/**
 * The hash of `text`'s UTF-8 bytes, as update(text) gives, from slices of it
 * (a 10 MB text hashed at once made ~20 MiB of transient copies, the data
 * fix's peak). A slice never ends between the two halves of a surrogate pair,
 * which alone would encode as U+FFFD.
 */
function updateInChunks(h: Hash, text: string, chunkChars: number): void {
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + chunkChars);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    h.update(text.slice(i, end));
    i = end;
  }
}

/** Who a run's record (and its lock's connection) names: the one given, else the configured operator. */
export function recordOperator(store: Store, given?: string): string {
  return given ?? operatorName(store.settings());
}

export async function openRecord(req: RecordRequest): Promise<OpenResult> {
  const clock = req.clock ?? Date.now;
  const store = openStore(req.stateDir);
  const operator = recordOperator(store, req.operator);
  const runId = req.resume?.journal.header.runId ?? req.runId ?? newRunId(clock());
  const lock = await acquireRunLock(req.url, { runbookId: req.runbook.id, operator, runId, connection: req.lockConnection });
  if (!lock.ok) return { ok: false, message: lock.message, reason: 'locked' };
  const cleanup: (() => Promise<void> | void)[] = [() => lock.lock.release()];
  const closeAll = async () => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    const say = req.show ?? req.warn;
    if (req.resume) {
      const refusal = checkResumedTarget(lock.lock, req.resume, Boolean(req.acceptTargetChange), say);
      if (refusal) {
        await closeAll();
        return { ok: false, message: refusal, reason: 'target' };
      }
    }
    // The lock is ours, so no live runner of this runbook is on this database: what a dead one left is ended or waited for.
    const own = await req.connection?.then((s) => [s.target.backendPid]).catch(() => []);
    const pinnedPid = req.resume?.state.target?.backendPid;
    const pinnedAt = req.resume?.journal.events.find((e) => e.type === 'target_pinned')?.at ?? req.resume?.journal.header.startedAt ?? 0;
    await settleLeftovers(lock.lock.session, req.runbook.id, (line) => say(`${req.resume ? 'resume' : 'run'}: ${line}`), {
      own: own ?? [],
      ...(pinnedPid ? { pinned: { pid: pinnedPid, at: pinnedAt } } : {}),
    });
    // Events come masked from the session (exec/secrets.ts); the inputs event keeps the values the run binds, so secret ones are replaced here.
    const secretInputs = new Set(Object.entries(req.runbook.inputs).filter(([, spec]) => spec.secret).map(([name]) => name));

    let journal: JournalWriter;
    let header: JournalHeader;
    let backlog: { seq: number; event: RunEvent; line: string }[] = [];
    if (req.resume) {
      header = req.resume.journal.header;
      const opened = JournalWriter.append(req.resume.journal.path);
      journal = opened.writer;
      journal.write({ record: 'session', action: 'resumed', operator, ...(req.flags?.length ? { flags: [...req.flags] } : {}), pid: process.pid, at: clock(), ...(opened.tornBytes ? { tornBytes: opened.tornBytes } : {}) });
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
        ...(req.flags?.length ? { flags: [...req.flags] } : {}),
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
      // An item's start is fsync'ed in the background (JournalWriter.event): the session holds the item's first effect until it is on disk.
      if (event.type === 'item_started') return journal.synced();
    };
    return { ok: true, record: { runId, operator, ...(shared ? { recorded: () => shared!.flush() } : {}), journalPath: journal.path, resumeFrom: req.resume?.state, rollbackPlan: plan, listener, close: closeAll } };
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

/**
 * Before a resumed run touches anything: is this the database the run was
 * pinned to? A server upgraded within its major version is shown, and taken
 * only when the operator accepts it (--accept-target-change); another major
 * version, cluster, database or user is refused. Returns why the resume is
 * refused, or undefined.
 */
function checkResumedTarget(lock: RunLock, resume: NonNullable<RecordRequest['resume']>, accept: boolean, say: Write): string | undefined {
  const pinned = resume.state.target;
  const now = lock.session.target;
  if (!pinned) return undefined;
  // A field the journal scrubbed (a password equal to the user or database name) is unknown, not different.
  const known = Object.fromEntries(Object.entries(pinned).map(([k, v]) => [k, v === '***' ? now[k as keyof typeof now] : v])) as typeof pinned;
  const same = { ...known, backendPid: now.backendPid, serverStartedAt: now.serverStartedAt };
  const changes = targetDiff(same, now);
  if (pinned.host !== now.host || pinned.port !== now.port) changes.unshift({ what: 'address', was: `${pinned.host}:${pinned.port}`, now: `${now.host}:${now.port}` });
  const upgrade = changes.length === 1 && onlyMinorUpgrade(same, now);
  if (upgrade && accept) say(`resume: the server was upgraded from PostgreSQL ${pinned.serverVersion} to ${now.serverVersion} since the run stopped; accepted (--accept-target-change)`);
  else if (upgrade) {
    return `refused: run ${resume.journal.header.runId} was pinned to PostgreSQL ${pinned.serverVersion}, and the server is now ${now.serverVersion} (a minor upgrade of the same cluster). If that upgrade is expected, resume with --accept-target-change.`;
  } else if (changes.length > 0) {
    return `refused: run ${resume.journal.header.runId} is pinned to ${pinned.host}:${pinned.port}/${pinned.database}, and this target differs: ${targetChangesText(changes)}. Pass --db for the run's own database.`;
  }
  if (pinned.serverStartedAt && pinned.serverStartedAt !== now.serverStartedAt) say(`resume: note: the server restarted since the run stopped (started at ${now.serverStartedAt}); whatever was in flight then was rolled back by the restart`);
  return undefined;
}
