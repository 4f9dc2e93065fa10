// The run record: an append-only JSON-lines file per run. The first line is
// the header (what, where, who); then one line per RunEvent, plus a few lines
// of the journal's own (a session resumed, the rollback plan). Each line is
// written and fsync'ed before the call returns, so the session never starts
// its next action before what came before is on disk — except an item's
// output lines, which are written in batches, and an item's start, whose
// fsync runs while the step gets ready and is awaited before the step's first
// effect (see JournalWriter.event and synced).
import { closeSync, fstatSync, fsync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { onState } from './fs-errors.js';
import type { RunEvent } from '../engine/events.js';
import type { ExecEvent } from '../exec/types.js';
import type { InputValue, ItemKind, RunKind } from '../engine/state.js';

/** 2: an item's output is one event per burst (`events`); version 1 wrote one per line (`event`), still read. */
export const JOURNAL_VERSION = 2;

export interface JournalHeader {
  record: 'header';
  version: number;
  runId: string;
  runbook: { id: string; title: string; file: string; sha256: string };
  kind: RunKind;
  procedureId?: string;
  /** A rollback run: the run it undoes, and the original step ids it undoes, in order. */
  rollbackOf?: string;
  plan?: string[];
  /** The run's items as planned, so the journal alone can be replayed and reported. */
  items: HeaderItem[];
  /** The target URL with any password replaced by ***. */
  target: string;
  operator: string;
  /** The flags that decided in the operator's place (--yes, --confirm-danger NAME, --auto, …); absent: none. */
  flags?: string[];
  pid: number;
  startedAt: number;
  tool: string;
}

export interface HeaderItem {
  key: string;
  kind: ItemKind;
  id: string;
  title: string;
  skippable: boolean;
  /** A shell step's command (SQL statements are journalled as they are sent). */
  shell?: string;
}

export interface EventRecord {
  record: 'event';
  seq: number;
  event: RunEvent;
}

/** Someone picked the run up again (resume), with where it stood. */
export interface SessionRecord {
  record: 'session';
  action: 'resumed';
  operator: string;
  /** The flags of this resume that decided in the operator's place (--retry, --skip, --in-flight, …). */
  flags?: string[];
  pid: number;
  at: number;
  /** Bytes of a half-written last line (the process died mid-write) that were cut off. */
  tornBytes?: number;
}

/** What undoing the run would run, newest first: shown and journalled before the first step that changes data. */
export interface RollbackPlanRecord {
  record: 'rollback_plan';
  at: number;
  steps: { id: string; title: string; undo: string }[];
}

/** A later run changed this one (a rollback run undid its steps). */
export interface NoteRecord {
  record: 'note';
  at: number;
  text: string;
}

export type JournalRecord = JournalHeader | EventRecord | SessionRecord | RollbackPlanRecord | NoteRecord;
export type BodyRecord = Exclude<JournalRecord, JournalHeader | EventRecord>;

export interface Journal {
  path: string;
  header: JournalHeader;
  records: JournalRecord[];
  /** Just the events, in order. */
  events: RunEvent[];
  /** A half-written last line, left by a process killed mid-write (ignored). */
  tornTail?: string;
  /** Read leniently (a damaged journal): the lines that could not be read, and what they held, as far as it shows. */
  lost?: LostLine[];
}

/** A damaged line of a journal, set aside by a lenient read. */
export interface LostLine {
  line: number;
  /** The item the line was about, when its text still shows it. */
  key?: string;
  /** Its event type, when its text still shows it. */
  type?: string;
}

/** Secret input values replaced by ***: they are never journalled. */
export function redactEvent(event: RunEvent, secretInputs: ReadonlySet<string>): RunEvent {
  if (event.type !== 'inputs_set') return event;
  const inputs: Record<string, InputValue> = {};
  for (const [k, v] of Object.entries(event.inputs)) inputs[k] = secretInputs.has(k) && v !== null ? '***' : v;
  return { ...event, inputs };
}

export class JournalWriter {
  private seq: number;
  private constructor(
    readonly path: string,
    private fd: number | null,
    seq: number,
  ) {
    this.seq = seq;
  }

  /** Starts a new journal; fails if one exists at that path. */
  static create(path: string, header: JournalHeader): JournalWriter {
    const fd = onState(path, 'create the journal', () => openSync(path, 'wx', 0o600));
    const writer = new JournalWriter(path, fd, 0);
    writer.line(header);
    syncDirectory(dirname(path));
    return writer;
  }

  /** Continues a journal: a torn last line is cut off first; returns how many bytes were cut. */
  static append(path: string): { writer: JournalWriter; tornBytes: number } {
    const fd = onState(path, 'open the journal to continue it', () => openSync(path, 'r+'));
    const size = fstatSync(fd).size;
    const tornBytes = size - lastNewlineEnd(fd, size);
    if (tornBytes > 0) {
      ftruncateSync(fd, size - tornBytes);
      fsyncSync(fd);
    }
    closeSync(fd);
    // Numbered on from the last event that can be read (a damaged journal being rolled back has lines that cannot).
    const seq = readJournal(path, { lenient: true }).records.reduce((n, r) => (r.record === 'event' ? Math.max(n, r.seq) : n), 0);
    return { writer: new JournalWriter(path, openSync(path, 'a', 0o600), seq), tornBytes };
  }

  /** How many events the journal holds. */
  get count(): number {
    return this.seq;
  }

  /**
   * Appends one event; returns the line as written, for the shared record (secrets were masked by the session: exec/secrets.ts).
   * An item's output (notices, row counts, lines a command printed: one event
   * per synchronous burst, see RunSession.output) is written at the end of that
   * burst (a microtask), and not fsync'ed on its own: a storm of 100,000 notices
   * would otherwise cost thousands of fsyncs. Every other event flushes what is pending and
   * is fsync'ed before the call returns, so nothing that changes the run's state
   * is ever only in memory, and no await (no next action) comes between a line
   * and its write. An item's end (item_finished) is written the same way as
   * output: the event that comes next — the next item_started, the run's end,
   * the operator's decision — is fsync'ed, and an fsync covers every line
   * before it; a run cut off by a power loss right after a step finished
   * resumes by verifying that step again (journal/reconcile.ts). One fsync per
   * step instead of two or three: on a busy disk each costs milliseconds.
   *
   * An item's start (item_started) is written before the call returns, like
   * every line, and its fsync is started then and runs while the step gets
   * ready (its statements split and bound, its lock context built, its
   * heading printed): the step awaits synced() once it is ready, before its
   * first statement is announced or its command starts, so the journal still
   * says the step started, on disk, before anything of it can happen (and a
   * statement is never "in flight" while only the fsync was awaited). A killed process
   * loses nothing either way: the line was handed to the OS before the call
   * returned.
   */
  event(event: RunEvent): { seq: number; line: string } {
    const seq = ++this.seq;
    const record: EventRecord = { record: 'event', seq, event };
    // A statement is on its way to the server: its line is written first (not fsync'ed), so a killed process's journal names it.
    if (event.type === 'item_output' && event.events.some((e) => e.type === 'statement_started')) return { seq, line: this.line(record, false) };
    if (UNSYNCED.has(event.type)) return { seq, line: this.buffer(record) };
    if (event.type === 'item_started') return { seq, line: this.line(record, 'started') };
    return { seq, line: this.line(record) };
  }

  /**
   * Resolves once every line an fsync was started for (an item's start, see
   * event()) is on disk; at once when none is waiting. Rejects if that fsync
   * failed (the next write throws the same error).
   */
  synced(): Promise<void> {
    const target = this.deferred;
    if (this.durable >= target) return DONE;
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ target, resolve, reject }));
  }

  /** Lines whose fsync was started in the background (numbered), and how many of them are known to be on disk. */
  private deferred = 0;
  private durable = 0;
  private syncing = false;
  private closing = false;
  private waiters: { target: number; resolve: () => void; reject: (err: unknown) => void }[] = [];

  /** Starts an fsync in the background for every line written so far, unless one is running (it is started again when that one ends). */
  private syncInBackground(): void {
    if (this.syncing || this.fd === null) return;
    const fd = this.fd;
    const covers = this.deferred;
    this.syncing = true;
    fsync(fd, (err) => {
      this.syncing = false;
      if (err) {
        this.failure ??= err;
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) w.reject(err);
      } else this.settle(covers);
      if (this.closing) {
        // close() has fsync'ed and written its last; the descriptor was kept open for this fsync alone.
        closeSync(fd);
        return;
      }
      if (!err && this.deferred > this.durable) this.syncInBackground();
    });
  }

  /** Every line numbered up to `covers` is on disk: the waiters for them go on. */
  private settle(covers: number): void {
    if (covers <= this.durable) return;
    this.durable = covers;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (w.target <= covers) w.resolve();
      else this.waiters.push(w);
    }
  }

  write(record: BodyRecord): string {
    return this.line(record);
  }

  /** Writes a line now; `sync`: fsync'ed before returning (true), not on its own (false), or in the background, awaited by synced() ('started'). */
  private line(record: JournalRecord, sync: boolean | 'started' = true): string {
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    if (this.failure) throw this.failure;
    const text = JSON.stringify(record);
    this.pending.push(text, '\n');
    this.flush();
    if (sync === 'started') {
      this.deferred++;
      this.syncInBackground();
    } else if (sync) {
      fsyncSync(this.fd);
      // This fsync covers every line before it, those in the background too.
      this.settle(this.deferred);
    }
    return text;
  }

  /** Lines written but not yet handed to the OS (output only; see event()). */
  private pending: string[] = [];
  private pendingChars = 0;
  private flushQueued = false;
  /** A batched write that failed (disk full): thrown by the next write, where the run can report it. */
  private failure: unknown = null;

  private buffer(record: EventRecord): string {
    // Written at the end of this synchronous burst, with whatever else it produced.
    if (this.fd === null) throw new Error(`journal ${this.path} is closed`);
    if (this.failure) throw this.failure;
    const text = JSON.stringify(record);
    this.pending.push(text, '\n');
    this.pendingChars += text.length + 1;
    if (this.pendingChars >= 1 << 20) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        try {
          if (this.fd !== null) this.flush();
        } catch (err) {
          this.failure ??= err;
        }
      });
    }
    return text;
  }

  /** Hands every pending line to the OS (a killed process loses none of them). */
  private flush(): void {
    if (this.pending.length === 0 || this.fd === null) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
  }

  close(): void {
    if (this.fd !== null) {
      this.flush();
      fsyncSync(this.fd);
      this.settle(this.deferred);
      // An fsync still running in the background has the descriptor: it closes it when it ends.
      if (this.syncing) this.closing = true;
      else closeSync(this.fd);
    }
    this.fd = null;
  }
}

const DONE = Promise.resolve();

/** Where the last complete line ends (0 when there is none). */
function lastNewlineEnd(fd: number, size: number): number {
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform can fsync a directory
  }
}

export class JournalError extends Error {
  override name = 'JournalError';
}

/** Events written without their own fsync (see JournalWriter.event). */
const UNSYNCED: ReadonlySet<RunEvent['type']> = new Set(['item_output', 'item_finished']);

/** An item's output line, recognised without parsing it (JSON.stringify writes the keys in this order). */
const OUTPUT_LINE = /^\{"record":"event","seq":\d+,"event":\{"type":"item_output"/;

type NumberedLines = { lines: [lineNo: number, text: string][]; last: string };

function allLines(text: string): NumberedLines {
  const split = text.split('\n');
  const last = split.pop() ?? '';
  return { lines: split.map((line, i) => [i + 1, line]), last };
}

/**
 * The journal's lines but its output events, read in chunks: a run that
 * printed 100 MiB has a journal of over 100 MB, and learning how it ended must
 * neither hold it in memory nor decode it. Output lines are recognised by
 * their first bytes and skipped undecoded.
 */
function readLinesWithoutOutput(path: string): NumberedLines {
  const fd = openSync(path, 'r');
  const lines: NumberedLines['lines'] = [];
  const buf = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  let lineNo = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        lineNo++;
        if (!OUTPUT_LINE.test(chunk.toString('latin1', start, Math.min(nl, start + 80)))) lines.push([lineNo, chunk.toString('utf8', start, nl)]);
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
  } finally {
    closeSync(fd);
  }
  return { lines, last: carry.toString('utf8') };
}

/**
 * The journal's last complete line, parsed, read from the end of the file
 * alone; undefined when it cannot be read or parsed. For a quick look at how a
 * run ended without reading its output.
 */
export function lastRecord(path: string): JournalRecord | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      const text = buf.toString('utf8');
      // Only a line that ends with a newline was written whole.
      const end = text.lastIndexOf('\n');
      const start = text.lastIndexOf('\n', end - 1) + 1;
      if (end < 0 || (start === 0 && length < size)) return undefined;
      return upgradeRecord(JSON.parse(text.slice(start, end)) as JournalRecord);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** A version-1 output line (one event, `event`) read as the burst of one it was. */
function upgradeRecord(record: JournalRecord): JournalRecord {
  if (record.record !== 'event' || record.event.type !== 'item_output' || 'events' in record.event) return record;
  const { event, ...rest } = record.event as Omit<Extract<RunEvent, { type: 'item_output' }>, 'events'> & { event: ExecEvent };
  return { ...record, event: { ...rest, events: [event] } };
}

/**
 * Reads a journal. A half-written last line is set aside; a bad line anywhere else is an error.
 * `skipOutput`: leave out the items' output events (for a run's status: a run's
 * 100,000 notices need not be parsed to learn how it ended).
 */
export function readJournal(path: string, options: { skipOutput?: boolean; lenient?: boolean } = {}): Journal {
  const { lines, last } = onState(path, 'read the journal', () => (options.skipOutput ? readLinesWithoutOutput(path) : allLines(readFileSync(path, 'utf8'))));
  const records: JournalRecord[] = [];
  const lost: LostLine[] = [];
  for (const [i, line] of lines) {
    if (line.trim() === '') continue;
    try {
      records.push(upgradeRecord(JSON.parse(line) as JournalRecord));
    } catch {
      // Lenient (rollback from a damaged journal): the line is set aside, with what its text still shows.
      if (options.lenient && i > 1) {
        const key = /"key":"([^"\\]{1,200})"/.exec(line)?.[1];
        const type = /"type":"([a-z_]{1,40})"/.exec(line)?.[1];
        lost.push({ line: i, ...(key ? { key } : {}), ...(type ? { type } : {}) });
        continue;
      }
      throw new JournalError(`${path}:${i}: not a journal line (the file was changed by hand?); \`runbook rollback\` can still undo the run from the lines that can be read`);
    }
  }
  const header = records[0];
  if (!header || header.record !== 'header') throw new JournalError(`${path}: no journal header on the first line`);
  if (header.version > JOURNAL_VERSION) throw new JournalError(`${path}: journal version ${header.version} is newer than this runbook understands (${JOURNAL_VERSION})`);
  const events = records.filter((r): r is EventRecord => r.record === 'event').map((r) => r.event);
  return { path, header, records, events, ...(last.trim() ? { tornTail: last } : {}), ...(lost.length ? { lost } : {}) };
}
