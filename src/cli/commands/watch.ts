// `runbook watch [RUN]`: follow a run from another terminal or machine,
// read-only. The run is read from the shared record (runbook_record) in the
// database that holds it — the run's target, run with --record-in-db (a
// fleet's targets too, with fleet run --record-in-db) — and followed by LISTEN/NOTIFY as it grows: on the run
// screen in observer mode in a terminal, as plain or JSON lines otherwise.
import type { Command } from 'commander';
import { resolveDatabaseUrl, redactUrl } from '../../exec/connection-url.js';
import type { RunEvent } from '../../engine/events.js';
import type { RunState } from '../../engine/state.js';
import { applyRecorded, findRecordedRun, followRecordedRun, openRecordReader, recordedEvents, recordedState, type RecordedRun } from '../../fleet/live.js';
import { waitingFor } from '../../present/approval.js';
import { journalSteps } from '../../journal/replay.js';
import { findRun, openStore } from '../../journal/store.js';
import { jsonRenderer } from '../../report/json.js';
import { plainRenderer } from '../../report/plain.js';
import { loadTui } from '../../tui/load.js';
import { EXIT, runExitCode } from '../exit-codes.js';
import { runbookOfRun } from './runbook-of-run.js';
import { stderrLine, stdoutLine } from '../write.js';

export interface WatchOptions {
  db?: string;
  file?: string;
  plain?: boolean;
  json?: boolean;
  stateDir?: string;
}

type Write = (line: string) => void;

/** The database holding the record: --db, else DATABASE_URL / PG*, else the target of a run of this machine (when it needs no password). */
export function recordDatabase(ref: string | undefined, opts: Pick<WatchOptions, 'db' | 'stateDir'>): string | null {
  const given = opts.db ?? resolveDatabaseUrl({ env: process.env });
  if (given) return given;
  if (!ref) return null;
  try {
    const entry = findRun(openStore(opts.stateDir).runs(), ref);
    return 'error' in entry || entry.target.includes('***') ? null : entry.target;
  } catch {
    return null;
  }
}

export async function watchCommand(ref: string | undefined, opts: WatchOptions, out: Write = stdoutLine, err: Write = stderrLine): Promise<number> {
  const url = recordDatabase(ref, opts);
  if (!url) {
    err('watch: no database to read the run from: pass --db URL (the run\'s target, recorded with --record-in-db), or set DATABASE_URL');
    return EXIT.usage;
  }
  let client;
  try {
    client = await openRecordReader(url);
  } catch (e) {
    err(`watch: could not connect to ${redactUrl(url)}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.connection;
  }
  try {
    const found = await findRecordedRun(client, ref);
    if ('error' in found) {
      err(`watch: ${found.error} (${redactUrl(url)})`);
      return EXIT.usage;
    }
    const run = found;
    const rb = await runbookOfRun(run.header, opts.file, ' started; the screen shows the file as it is now', err);
    if (!rb) {
      err(`watch: the runbook of run ${run.runId} is needed to show it: pass --file for ${run.header.runbook.file}`);
      return EXIT.usage;
    }
    const records = await recordedEvents(client, run.runId, 0);
    let state = recordedState(run.header, records);
    const lastSeq = records.at(-1)?.seq ?? 0;
    const text = `run ${run.runId} by ${run.operator}`;
    const gone = `its runner, which is gone without ending it: \`runbook resume ${run.runId}\` continues it`;
    const onScreen = Boolean(process.stdin.isTTY && process.stdout.isTTY && !opts.plain && !opts.json);

    if (onScreen) {
      const { watchInteractive } = await import('../../tui/watch.js').then(async (m) => (await loadTui(), m));
      const final = await watchInteractive({
        runbook: rb,
        kind: run.header.kind,
        procedureId: run.header.procedureId,
        steps: journalSteps(rb, run.header),
        state,
        text,
        waiting: run.live || state.ended ? waitingFor(state) : gone,
        follow: (feed) =>
          followRecordedRun(client, run.runId, lastSeq, {
            onRecords(recs) {
              for (const r of recs) {
                state = applyRecorded(state, r.event);
                feed.run(state, r.event);
              }
              feed.waiting(waitingFor(state));
            },
            onRunnerGone: () => feed.waiting(gone),
          }),
      });
      return final.ended ? runExitCode(final) : EXIT.done;
    }
    return await followPlain(client, run, rb, state, lastSeq, records.map((r) => r.event), opts, out, err);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Plain or JSON lines: what was recorded so far, then each new event, until the run ends (or its runner is gone). */
async function followPlain(
  client: Awaited<ReturnType<typeof openRecordReader>>,
  run: RecordedRun,
  rb: Parameters<typeof plainRenderer>[0],
  recorded: RunState,
  lastSeq: number,
  past: RunEvent[],
  opts: WatchOptions,
  out: Write,
  err: Write,
): Promise<number> {
  const note = (line: string) => (opts.json ? out(JSON.stringify({ type: 'message', run: run.runId, text: line })) : out(line));
  note(`watching run ${run.runId} of ${run.runbook} on ${run.target}, started by ${run.operator} (read-only; Ctrl-C leaves, the run goes on)`);
  const render = opts.json ? jsonRenderer(rb, out, run.runId) : plainRenderer(rb, out);
  // The part already recorded, replayed through the same renderer.
  let state = recordedState(run.header, []);
  for (const event of past) {
    state = applyRecorded(state, event);
    render(state, event);
  }
  state = recorded;
  let said = waitingFor(state);
  if (said) note(`waiting for ${said}`);
  if (state.ended) return runExitCode(state);
  if (!run.live) {
    err(`watch: run ${run.runId} is not ended and its runner is gone: \`runbook resume ${run.runId}\` continues it`);
    return EXIT.failed;
  }
  return new Promise<number>((resolve) => {
    let stop: (() => Promise<void>) | undefined;
    const finish = (code: number) => {
      process.off('SIGINT', onSigint);
      void (stop?.() ?? Promise.resolve()).then(() => resolve(code));
    };
    const onSigint = () => finish(EXIT.interrupted);
    process.on('SIGINT', onSigint);
    void followRecordedRun(client, run.runId, lastSeq, {
      onRecords(recs) {
        for (const r of recs) {
          state = applyRecorded(state, r.event);
          render(state, r.event);
        }
        const now = waitingFor(state);
        if (now && now !== said) note(`waiting for ${now}`);
        said = now;
        if (state.ended) finish(runExitCode(state));
      },
      onRunnerGone() {
        err(`watch: the runner of run ${run.runId} is gone without ending it: \`runbook resume ${run.runId}\` continues it`);
        finish(EXIT.failed);
      },
      onError: (message) => err(`watch: ${message}`),
    }).then((s) => (stop = s));
  });
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('follow a live run read-only, from another terminal or machine (from the shared record in its database: --record-in-db)')
    .argument('[run]', 'run id (or a unique part of it); default: the newest live run in that database')
    .option('--db <url>', 'the database holding the run\'s record: its target, run with --record-in-db (default: DATABASE_URL, then PG* variables)')
    .option('--file <runbook>', 'the runbook file, if it is not where the run\'s journal says')
    .option('--plain', 'plain text lines, no screen (default when not in a terminal)')
    .option('--json', 'one JSON event per line')
    .option('--state-dir <dir>', 'where runs of this machine are recorded (to find the database of a run given by id)')
    .action(async (ref: string | undefined, opts: WatchOptions) => {
      process.exitCode = await watchCommand(ref, opts);
    });
}
