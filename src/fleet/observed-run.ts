// A run seen from outside, read-only: what it recorded so far and how to
// follow it as it grows. Two places hold a run: the shared record in its
// target database (--record-in-db; readable from any machine, followed by
// LISTEN/NOTIFY) and its journal file on the machine that runs it (followed by
// reading what is appended). `runbook watch` and the fleet view's Enter both
// show an ObservedRun on the run screen in observer mode; neither writes.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type pg from 'pg';
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import { readJournal, type EventRecord, type JournalHeader } from '../journal/journal.js';
import { replayJournal } from '../journal/replay.js';
import { waitingFor } from '../present/approval.js';
import { applyRecorded, followRecordedRun, recordedEvents, recordedState, type RecordedRun } from './live.js';

/** Where an observed run's news goes. */
export interface RunSink {
  /** An event of the run, with the state after it. */
  run(state: RunState, event: RunEvent): void;
  /** What the run waits for now (an approval, a runner that is gone), or undefined. */
  waiting(text: string | undefined): void;
  /** The runner went away without ending the run. */
  gone?(): void;
  error?(message: string): void;
}

export interface ObservedRun {
  runId: string;
  header: JournalHeader;
  /** Who runs it and where, as recorded ("alice@host", the target without password). */
  operator: string;
  target: string;
  /** Where it is read from, for messages: the record's database or the journal's path. */
  from: string;
  /** The events so far, in order, and the state after them. */
  past: RunEvent[];
  state: RunState;
  /** False when its runner is known to be gone without ending it. */
  live: boolean;
  /** What it waits for now: an approval, or its runner that is gone. */
  waiting: string | undefined;
  /** Starts feeding `sink` with what comes after `past`; returns how to stop. */
  follow(sink: RunSink): Promise<() => Promise<void>>;
  /** Lets go of what reading it holds (the record's connection). */
  close(): Promise<void>;
}

/** What a watcher is told when the runner left without ending the run. */
export const goneWords = (runId: string) => `its runner, which is gone without ending it: \`runbook resume ${runId}\` continues it`;

/** Applies each new event to the state and tells the sink, then what the run waits for. */
function sinkApplying(start: RunState, sink: RunSink) {
  let state = start;
  return (events: RunEvent[]) => {
    for (const event of events) {
      state = applyRecorded(state, event);
      sink.run(state, event);
    }
    sink.waiting(waitingFor(state));
  };
}

/** A run from the shared record, read on `client` (closed by `close` when `own`). */
export async function observeRecorded(client: pg.Client, run: RecordedRun, own: boolean, from: string): Promise<ObservedRun> {
  const records = await recordedEvents(client, run.runId, 0);
  const state = recordedState(run.header, records);
  const lastSeq = records.at(-1)?.seq ?? 0;
  return {
    runId: run.runId,
    header: run.header,
    operator: run.operator,
    target: run.target,
    from,
    past: records.map((r) => r.event),
    state,
    live: run.live || Boolean(state.ended),
    waiting: run.live || state.ended ? waitingFor(state) : goneWords(run.runId),
    follow: (sink) => {
      const apply = sinkApplying(state, sink);
      return followRecordedRun(client, run.runId, lastSeq, {
        onRecords: (recs) => apply(recs.map((r) => r.event)),
        onRunnerGone() {
          sink.waiting(goneWords(run.runId));
          sink.gone?.();
        },
        onError: (message) => sink.error?.(message),
      });
    },
    close: async () => {
      if (own) await client.end().catch(() => {});
    },
  };
}

/**
 * A run from its journal on this machine. `stillRunning`, when given, says
 * whether its runner is still at it (a fleet's control database knows): a run
 * not ended whose runner stopped is reported gone.
 */
export function observeJournal(path: string, o: { operator: string; target: string; stillRunning?: () => Promise<boolean>; tickMs?: number }): ObservedRun {
  const journal = readJournal(path);
  const state = replayJournal(journal);
  const lastSeq = journal.records.reduce((n, r) => (r.record === 'event' ? Math.max(n, r.seq) : n), 0);
  const runId = journal.header.runId;
  return {
    runId,
    header: journal.header,
    operator: o.operator,
    target: o.target,
    from: path,
    past: journal.events,
    state,
    live: true,
    waiting: waitingFor(state),
    follow: async (sink) => {
      const apply = sinkApplying(state, sink);
      return followJournal(path, lastSeq, {
        ended: Boolean(state.ended),
        onRecords: (recs) => apply(recs.map((r) => r.event)),
        ...(o.stillRunning ? { stillRunning: o.stillRunning } : {}),
        onRunnerGone() {
          sink.waiting(goneWords(runId));
          sink.gone?.();
        },
        onError: (message) => sink.error?.(message),
        tickMs: o.tickMs ?? 250,
      });
    },
    close: async () => {},
  };
}

/**
 * Follows a journal file as its runner appends to it: every tick reads the
 * bytes added since the last, hands on the events after `lastSeq` (a line not
 * yet finished waits for the next tick), and, when the file did not grow,
 * asks `stillRunning` whether anyone still writes it.
 */
export function followJournal(
  path: string,
  lastSeq: number,
  h: { ended: boolean; onRecords(records: EventRecord[]): void; stillRunning?: () => Promise<boolean>; onRunnerGone?(): void; onError?(message: string): void; tickMs: number },
): () => Promise<void> {
  let seq = lastSeq;
  let offset = 0;
  let partial = '';
  let ended = h.ended;
  let gone = false;
  let busy: Promise<void> = Promise.resolve();
  const read = async () => {
    const size = statSync(path).size;
    if (size > offset) {
      const fd = openSync(path, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        const n = readSync(fd, buf, 0, buf.length, offset);
        offset += n;
        const text = partial + buf.subarray(0, n).toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        const news: EventRecord[] = [];
        for (const line of lines) {
          if (!line.trim()) continue;
          const rec = JSON.parse(line) as { record: string; seq?: number };
          if (rec.record === 'event' && (rec.seq ?? 0) > seq) {
            seq = rec.seq!;
            news.push(rec as EventRecord);
          }
        }
        if (news.length) {
          // A resumed run writes on after its end: only its last event says whether it is over.
          ended = news[news.length - 1].event.type === 'run_ended';
          gone = false;
          h.onRecords(news);
        }
      } finally {
        closeSync(fd);
      }
      return;
    }
    if (!ended && !gone && h.stillRunning && !(await h.stillRunning())) {
      gone = true;
      h.onRunnerGone?.();
    }
  };
  const tick = setInterval(() => {
    busy = busy.then(read).catch((e: unknown) => h.onError?.(e instanceof Error ? e.message : String(e)));
  }, h.tickMs);
  busy = busy.then(read).catch((e: unknown) => h.onError?.(e instanceof Error ? e.message : String(e)));
  return async () => {
    clearInterval(tick);
    await busy;
  };
}
