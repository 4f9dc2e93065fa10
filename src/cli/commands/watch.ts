// `runbook watch [RUN]`: follow a run from another terminal or machine,
// read-only. The run is read from the shared record (runbook_record) in the
// database that holds it — the run's target, run with --record-in-db — and
// followed by LISTEN/NOTIFY as it grows. A fleet's run is named FLEET/TARGET
// (or by its id with --control): the control database knows each target's run
// and connection, and the run is read from its journal when this machine has
// it, else from the target's shared record. On the run screen in observer
// mode in a terminal, as plain or JSON lines otherwise.
import type { Command } from 'commander';
import { resolveDatabaseUrl, redactUrl } from '../../exec/connection-url.js';
import { applyRecorded, findRecordedRun, openRecordReader, recordedState } from '../../fleet/live.js';
import { goneWords, observeRecorded, type ObservedRun } from '../../fleet/observed-run.js';
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
  control?: string;
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

/** A fleet's run is named FLEET/TARGET, or by its id when --control (or RUNBOOK_CONTROL_URL) names the control database. */
const isFleetRef = (ref: string | undefined, opts: WatchOptions) => Boolean(ref && (ref.includes('/') || opts.control));

/** The run to watch and what to close after, or the exit code of why there is none. */
async function openWatched(ref: string | undefined, opts: WatchOptions, err: Write): Promise<{ run: ObservedRun; close(): Promise<void> } | number> {
  if (isFleetRef(ref, opts)) {
    // Loaded only here: a watch of a plain run needs no control database (nor graphile-worker).
    const [{ openControl }, { findFleetTarget, observeTarget }] = await Promise.all([import('./fleet.js'), import('../../fleet/target-run.js')]);
    let opened;
    try {
      opened = await openControl(opts);
    } catch (e) {
      err(`watch: ${(e as Error).message}`);
      return EXIT.connection;
    }
    const found = await findFleetTarget(opened.control, ref!);
    const run = 'error' in found ? found : await observeTarget(opened.control, found.fleet, found.target, opts.stateDir);
    if ('error' in run) {
      await opened.close();
      err(`watch: ${run.error}`);
      return EXIT.usage;
    }
    return { run, close: () => opened.close() };
  }
  const url = recordDatabase(ref, opts);
  if (!url) {
    err('watch: no database to read the run from: pass --db URL (the run\'s target, recorded with --record-in-db), or set DATABASE_URL; a fleet\'s run is FLEET/TARGET');
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
      await client.end().catch(() => {});
      err(`watch: ${found.error} (${redactUrl(url)})`);
      return EXIT.usage;
    }
    return { run: await observeRecorded(client, found, true, redactUrl(url)), close: async () => {} };
  } catch (e) {
    await client.end().catch(() => {});
    throw e;
  }
}

export async function watchCommand(ref: string | undefined, opts: WatchOptions, out: Write = stdoutLine, err: Write = stderrLine): Promise<number> {
  const watched = await openWatched(ref, opts, err);
  if (typeof watched === 'number') return watched;
  const { run } = watched;
  try {
    const rb = await runbookOfRun(run.header, opts.file, ' started; the screen shows the file as it is now', err);
    if (!rb) {
      err(`watch: the runbook of run ${run.runId} is needed to show it: pass --file for ${run.header.runbook.file}`);
      return EXIT.usage;
    }
    const onScreen = Boolean(process.stdin.isTTY && process.stdout.isTTY && !opts.plain && !opts.json);
    if (onScreen) {
      const { watchInteractive } = await import('../../tui/watch.js').then(async (m) => (await loadTui(), m));
      const final = await watchInteractive({
        runbook: rb,
        kind: run.header.kind,
        procedureId: run.header.procedureId,
        steps: journalSteps(rb, run.header),
        state: run.state,
        text: `run ${run.runId} by ${run.operator}`,
        waiting: run.waiting,
        follow: run.follow,
      });
      return final.ended ? runExitCode(final) : EXIT.done;
    }
    return await followPlain(run, rb, opts, out, err);
  } finally {
    await run.close();
    await watched.close();
  }
}

/** Plain or JSON lines: what was recorded so far, then each new event, until the run ends (or its runner is gone). */
async function followPlain(run: ObservedRun, rb: Parameters<typeof plainRenderer>[0], opts: WatchOptions, out: Write, err: Write): Promise<number> {
  const note = (line: string) => (opts.json ? out(JSON.stringify({ type: 'message', run: run.runId, text: line })) : out(line));
  note(`watching run ${run.runId} of ${run.header.runbook.id} on ${run.target}, started by ${run.operator} (read-only; Ctrl-C leaves, the run goes on)`);
  const render = opts.json ? jsonRenderer(rb, out, run.runId) : plainRenderer(rb, out);
  // The part already recorded, replayed through the same renderer.
  let state = recordedState(run.header, []);
  for (const event of run.past) {
    state = applyRecorded(state, event);
    render(state, event);
  }
  state = run.state;
  let said = waitingFor(state);
  if (said) note(`waiting for ${said}`);
  if (state.ended) return runExitCode(state);
  if (!run.live) {
    err(`watch: run ${run.runId} is not ended and its runner is gone: \`runbook resume ${run.runId}\` continues it`);
    return EXIT.failed;
  }
  return new Promise<number>((resolve) => {
    let stop: (() => Promise<void>) | undefined;
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      process.off('SIGINT', onSigint);
      void (stop?.() ?? Promise.resolve()).then(() => resolve(code));
    };
    const onSigint = () => finish(EXIT.interrupted);
    process.on('SIGINT', onSigint);
    void run
      .follow({
        run(now, event) {
          state = now;
          render(now, event);
          if (now.ended) finish(runExitCode(now));
        },
        waiting(text) {
          // A runner gone is said once, by gone() below.
          if (text && text !== said && !state.ended && text !== goneWords(run.runId)) note(`waiting for ${text}`);
          said = text;
        },
        gone() {
          err(`watch: the runner of run ${run.runId} is gone without ending it: \`runbook resume ${run.runId}\` continues it`);
          finish(EXIT.failed);
        },
        error: (message) => err(`watch: ${message}`),
      })
      .then((s) => {
        stop = s;
        if (done) void s();
      });
  });
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('follow a live run read-only, from another terminal or machine (from the shared record in its database: --record-in-db)')
    .argument('[run]', 'run id (or a unique part of it), or FLEET/TARGET for a fleet\'s run; default: the newest live run in that database')
    .option('--db <url>', 'the database holding the run\'s record: its target, run with --record-in-db (default: DATABASE_URL, then PG* variables)')
    .option('--control <url>', 'a fleet\'s control database, to watch its runs as FLEET/TARGET or by run id (default: RUNBOOK_CONTROL_URL, else the embedded one)')
    .option('--file <runbook>', 'the runbook file, if it is not where the run\'s journal says')
    .option('--plain', 'plain text lines, no screen (default when not in a terminal)')
    .option('--json', 'one JSON event per line')
    .option('--state-dir <dir>', 'where runs of this machine are recorded (to find the database of a run given by id)')
    .action(async (ref: string | undefined, opts: WatchOptions) => {
      process.exitCode = await watchCommand(ref, opts);
    });
}
