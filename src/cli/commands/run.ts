// `runbook run FILE`: load, pick the target (or a sandbox), and walk the run
// with the screen in a terminal, or in plain / JSON-lines mode otherwise.
import { Option, type Command } from 'commander';
import { resolveDatabaseUrl } from '../../exec/connection-url.js';
import type { RunState } from '../../engine/state.js';
import { loadRunbook, type Runbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';
import { forProcedure } from '../../runbook/procedure.js';
import { parseInputArgs } from '../../run/inputs.js';
import { plainOperator } from '../../run/plain-operator.js';
import { openSandbox, runFixture, type Sandbox } from '../../run/sandbox.js';
import { nextCommands } from '../../present/next.js';
import { RunSession } from '../../run/session.js';
import { sessionApplicationName } from '../../journal/leftovers.js';
import { connect, type PgSession } from '../../exec/postgres/index.js';
import { errorText } from '../../present/error.js';
import { duration } from '../../present/duration.js';
import { sandboxPhaseWords } from '../../present/sandbox.js';
import { plainRenderer } from '../../report/plain.js';
import { jsonRenderer } from '../../report/json.js';
import type { RunKind } from '../../engine/state.js';
import type { Step } from '../../runbook/schema.js';
import { stepsFor } from '../../engine/plan.js';
import { openRecord, recordOperator, type RecordRequest, type RunRecord } from '../../journal/record.js';
import { openConnectionsAhead, type ConnectionsAhead } from '../../run/connections-ahead.js';
import type { Operator } from '../../run/operator.js';
import { redactUrl } from '../../exec/connection-url.js';
import { loadTui } from '../../tui/load.js';
import { runNotices, webhookFromEnv } from '../../fleet/notify.js';
import { approvalDesk, type ApprovalDesk } from '../../fleet/approvals.js';
import type { RunTrace } from '../../fleet/tracing.js';
import { tracingWanted } from '../../fleet/tracing-env.js';
import { createInterface } from 'node:readline/promises';
import { holdTypeAhead, type TypeAhead } from '../type-ahead.js';
import { sortEarlyKeys } from '../../tui/type-ahead.js';
import { typeAheadQuestionNote } from '../../present/type-ahead.js';
import { printable } from '../../present/escape.js';
import { unfinishedRun } from '../../journal/record.js';
import { newRunId, openStore } from '../../journal/store.js';
import { errorExitCode, EXIT, runExitCode } from '../exit-codes.js';

export interface RunOptions {
  db?: string;
  sandbox?: boolean;
  sandboxOn?: string;
  plain?: boolean;
  json?: boolean;
  yes?: boolean;
  confirmDanger?: string;
  /** rollback: the steps without a rollback section were undone by hand (what --yes does not say). */
  undoneByHand?: boolean;
  input: string[];
  procedure?: string;
  step?: boolean;
  auto?: boolean;
  stateDir?: string;
  recordInDb?: boolean;
  traceLocks?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--db <url>', 'target database URL (default: DATABASE_URL, then PG* variables)')
    .option('--sandbox', 'run against a throwaway embedded PostgreSQL, built by the runbook’s sandbox: fixture')
    .option('--sandbox-on <url>', 'run in a temporary database created (and dropped) on this server')
    .option('--plain', 'plain text output, no screen (default when not in a terminal)')
    .option('--json', 'one JSON event per line')
    .option('-y, --yes', 'answer plain confirmations with yes')
    .option('--confirm-danger <database>', 'allow destructive steps: name the target database (runbook_sandbox for the sandbox the run creates)')
    .option('-i, --input <name=value>', 'set an input (repeatable)', collect, [])
    .option('--procedure <id>', 'run a named procedure (a rollback or recovery scenario) instead of the steps')
    .option('--auto', 'on the screen: run the steps without stopping before each one (the default stops before every step until Enter)')
    .addOption(new Option('--step', 'the screen’s default pace (kept so older scripts still work)').hideHelp())
    .option('--state-dir <dir>', 'where runs are recorded (default: RUNBOOK_STATE_DIR, then the user config folder)')
    .option('--record-in-db', 'also record the run in the target database (schema runbook_record)')
    .option('--trace-locks', 'with --sandbox / --sandbox-on: record the locks each statement really takes (pg_locks) and whether it rewrote a table, beside the predicted ones');
}

export function register(program: Command): void {
  addRunOptions(program.command('run').description('walk through a runbook against a database').argument('<file>', 'runbook YAML file')).action(
    async (file: string, opts: RunOptions) => {
      process.exitCode = await runCommand(file, opts);
    },
  );
}

/**
 * Where output goes: stdout for the run, stderr for our own complaints.
 * Lines for stdout are gathered and written once per synchronous burst (a
 * microtask), not one write(2) per line: a storm of notices or a command
 * printing 100 MiB would otherwise cost a system call per line. Nothing waits
 * in between, so the order and timing a reader sees are the same.
 */
let outPending: string[] = [];
const flushOut = () => {
  if (outPending.length === 0) return;
  const text = outPending.join('');
  outPending = [];
  process.stdout.write(printable(text));
};
const out = (line: string) => {
  // A microtask queued from a microtask: it runs after the journal's own flush
  // of the same burst (journal/journal.ts), so a line is never shown before it is journalled.
  if (outPending.length === 0) queueMicrotask(() => queueMicrotask(flushOut));
  outPending.push(line, '\n');
};
const stdio = { out: (line: string) => out(line), err: (line: string) => err(line) };
const err = (line: string) => {
  flushOut();
  process.stderr.write(`${printable(line)}\n`);
};

/**
 * A run hosted by another program than the command line: a fleet's worker runs
 * several at once, each an ordinary run, with its own output, its operator
 * answering from the fleet's answers, and the session handed over for progress.
 */
export interface RunHost {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Answers instead of the flags' plain operator. */
  operator?: Operator;
  /** Who the record names. */
  operatorName?: string;
  /** A new run's id, chosen (and recorded) ahead. */
  runId?: string;
  /** The session, once made: before it runs anything. */
  onSession?: (session: RunSession, runId: string) => void;
}

export async function runCommand(file: string, opts: RunOptions, extra: RunExtra = {}): Promise<number> {
  // The screen will be shown: from here on, keys typed before it draws are held unechoed for it, and the
  // terminal is given back drained when the command ends (cli/type-ahead.ts). A hosted run has no terminal.
  const early = screenWanted(opts) && !extra.host ? holdTypeAhead() : undefined;
  try {
    return await runWith(file, opts, extra, early);
  } finally {
    await early?.stop();
  }
}

/** On a terminal, unless plain or JSON output is asked for. */
function screenWanted(opts: RunOptions): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY && !opts.plain && !opts.json);
}

interface RunExtra {
  kind?: RunKind;
  steps?: readonly Step[];
  record?: Pick<RecordRequest, 'resume' | 'rollbackOf'>;
  operator?: (operator: Operator) => Operator;
  /** Already loaded by the caller (resume, rollback): not read and checked a second time. */
  runbook?: Runbook;
  host?: RunHost;
  /** resume --in-flight: the operator's answer for a statement whose commit is unknown. */
  inFlight?: 'applied' | 'not-applied';
  /** resume --accept-target-change: a minor upgrade of the server since the run was pinned is taken. */
  acceptTargetChange?: boolean;
}

async function runWith(file: string, opts: RunOptions, extra: RunExtra, early: TypeAhead | undefined): Promise<number> {
  const ahead: { connections?: ConnectionsAhead; operator?: string } = {};
  try {
    return await runLoaded(file, opts, extra, early, ahead);
  } finally {
    // Last: the record has released the lock (and the session closed its connection) by now; what was never taken is dropped.
    await ahead.connections?.drop();
  }
}

async function runLoaded(file: string, opts: RunOptions, extra: RunExtra, early: TypeAhead | undefined, ahead: { connections?: ConnectionsAhead; operator?: string }): Promise<number> {
  const { out, err } = extra.host ?? stdio;
  // On a terminal, the screen's modules load while the runbook is read and the run's record opened, so
  // the lock's round trips overlap them. Not with a sandbox: loading the screen hides CI and sets NODE_ENV
  // for a moment (tui/load.ts), and the sandbox starts processes that must see the operator's environment.
  const onScreen = screenWanted(opts);
  const screen = onScreen && !opts.sandbox && !opts.sandboxOn ? loadTui() : undefined;
  screen?.catch(() => {}); // a failure is reported where the screen is awaited
  // A plain run against a given database opens its two connections as soon as the runbook's id is known, so
  // that the logins overlap the parse and lint of its SQL (run/connections-ahead.ts). Not on the screen, which may
  // offer to resume another run first, nor with a sandbox, which is not there yet.
  const urlAhead = !onScreen && !opts.sandbox && !opts.sandboxOn && !extra.runbook ? resolveDatabaseUrl({ db: opts.db, env: process.env }) : null;
  const newId = extra.host?.runId ?? newRunId(Date.now());
  const openAhead = (runbookId: string) => {
    if (!urlAhead) return;
    try {
      const operator = recordOperator(openStore(opts.stateDir, { reading: true }), extra.host?.operatorName);
      ahead.connections = openConnectionsAhead(urlAhead, { runbookId, runId: newId, operator });
      ahead.operator = operator;
    } catch {
      // The state folder cannot be read: nothing is opened ahead, and opening the record reports it.
    }
  };
  const loaded = extra.runbook ? { ok: true as const, runbook: extra.runbook } : await loadRunbook(file, { onValid: openAhead });
  if (!loaded.ok) {
    for (const p of loaded.problems) err(formatProblem(p));
    err(`${file}: not run — fix the problems above (runbook validate ${file})`);
    return EXIT.usage;
  }
  // A procedure runs with its own inputs and prerequisites, and only what it inherits (runbook/procedure.ts).
  const rb = opts.procedure ? forProcedure(loaded.runbook, opts.procedure) : loaded.runbook;
  const parsedInputs = parseInputArgs(opts.input ?? []);
  if (parsedInputs.problems.length) {
    parsedInputs.problems.forEach(err);
    return EXIT.usage;
  }
  if (opts.traceLocks && !opts.sandbox && !opts.sandboxOn) {
    // Tracing runs each statement in a transaction of its own and holds its locks a moment longer: a rehearsal's tool.
    err('--trace-locks works on a rehearsal only: add --sandbox, or --sandbox-on URL for a temporary database on a server of your choice');
    return 2;
  }
  if (opts.procedure && !rb.procedures.some((p) => p.id === opts.procedure)) {
    err(`${file}: no procedure "${opts.procedure}"; it has: ${rb.procedures.map((p) => p.id).join(', ') || 'none'}`);
    return EXIT.usage;
  }

  let sandbox: Sandbox | undefined;
  let record: RunRecord | undefined;
  const webhook = webhookFromEnv(process.env, err);
  let notices: ReturnType<typeof runNotices> | undefined;
  /** Where steps that need a second person's approval wait (connects only when one does). */
  let desk: ApprovalDesk | undefined;
  /** OpenTelemetry traces of the run, when an OTLP endpoint is configured (loaded only then). */
  let tracing: RunTrace | undefined;
  /** The run's own connection, opened ahead; the session takes it. */
  let connection: Promise<PgSession> | undefined;
  let url: string | null;
  let given: Record<string, string | number | boolean> = parsedInputs.values;
  // Sandbox progress: a line of plain text, or a message event in --json (every line stays JSON).
  const say = (line: string) => (opts.json ? out(JSON.stringify({ type: 'message', text: line })) : out(line));
  try {
    if (opts.sandbox || opts.sandboxOn) {
      const began = Date.now();
      sandbox = await openSandbox(opts.sandboxOn, (phase) => say(sandboxPhaseWords(phase, Date.now() - began)));
      say(`sandbox: ready (${sandbox.database}) after ${duration(Date.now() - began)}`);
      url = sandbox.url;
      given = { ...(rb.sandbox?.inputs ?? {}), ...given };
    } else {
      url = resolveDatabaseUrl({ db: opts.db, env: process.env });
    }
    if (!url) {
      err('no database to run against: pass --db URL, set DATABASE_URL or the PG* variables, or try it first with --sandbox');
      return EXIT.usage;
    }
    if (sandbox && rb.sandbox) {
      const loading = Date.now();
      say(`sandbox: loading the fixture (the runbook's sandbox: section) into ${sandbox.database}…`);
      const fixture = await runFixture(rb, url, {}, (e) => opts.json || (e.type === 'output' || e.type === 'notice' ? out(`    ${e.type === 'output' ? e.line : e.message}`) : undefined));
      if (fixture && !fixture.ok) {
        err('sandbox: the fixture failed, so the runbook was not started');
        if (fixture.error) errorText(fixture.error, '  ').forEach(err);
        return EXIT.failed;
      }
      say(`sandbox: fixture loaded in ${duration(Date.now() - loading)}`);
    }
    const kind = extra.kind ?? (opts.procedure ? 'procedure' : 'runbook');
    // In a terminal, a run of this runbook on this database that never finished is offered first:
    // picking up a half-done procedure is usually what the operator needs, not starting over.
    if (onScreen && kind === 'runbook' && !extra.record && !sandbox) {
      const offered = await offerResume(rb, url, opts, early);
      if (offered !== undefined) return offered;
    }
    const steps = extra.steps ?? stepsFor(rb, kind, opts.procedure);
    // On the screen, notes and the rollback plan are the screen's to show (record.rollbackPlan): printed lines would tear it.
    const show = opts.json || onScreen ? undefined : out;
    // The run's connection opens while the run lock is taken: the two handshakes overlap. A failure
    // to connect is reported by the lock, which meets it first; the session connects anew if it must.
    const runId = extra.record?.resume?.journal.header.runId ?? newId;
    connection = ahead.connections?.run ?? connect(url, { applicationName: sessionApplicationName(rb.id, runId) });
    connection.catch(() => {});
    const opened = await openRecord({
      runbook: rb,
      url,
      runId,
      connection,
      lockConnection: ahead.connections?.lock,
      acceptTargetChange: extra.acceptTargetChange,
      kind,
      procedureId: opts.procedure,
      steps,
      stateDir: opts.stateDir,
      recordInDb: opts.recordInDb,
      ...extra.record,
      show,
      warn: err,
      // As the lock's connection opened ahead is named (the settings are not read twice).
      operator: ahead.operator ?? extra.host?.operatorName,
      flags: decisionFlags(opts),
    });
    if (!opened.ok) {
      err(opened.message);
      return opened.reason === 'locked' ? EXIT.locked : EXIT.connection;
    }
    record = opened.record;
    show?.(`run ${record.runId} · journal ${record.journalPath}`);
    const journal = record;
    desk = approvalDesk(url);
    const traced = tracingWanted(process.env) ? await import('../../fleet/tracing.js') : undefined;
    tracing = traced?.runTrace({ runId: record.runId, runbook: rb.id, title: rb.title, kind, operator: record.operator, target: redactUrl(url) }, err);
    const makeSession = (operator: Operator, inputs: Record<string, string | number | boolean>) => {
      // The embedded sandbox's password is a fixed throwaway ("sandbox"): not a secret, and masking that word would damage the record.
      const passwordIsSecret = !(sandbox && !opts.sandboxOn);
      const made = new RunSession({
        runbook: rb,
        url: url!,
        runId: journal.runId,
        operator: extra.operator?.(operator) ?? operator,
        kind,
        procedureId: opts.procedure,
        steps: extra.steps,
        inputs,
        resumeFrom: journal.resumeFrom,
        connection,
        inFlight: extra.inFlight,
        acceptTargetChange: extra.acceptTargetChange,
        passwordIsSecret,
        approvals: desk,
        operatorName: journal.operator,
        ...(journal.recorded ? { beforeSend: journal.recorded } : {}),
        ...(opts.traceLocks ? { traceLocks: true } : {}),
      });
      connection = undefined;
      made.subscribe(journal.listener);
      if (tracing) made.subscribe(tracing.listener);
      // Where the approval comes from, with the run's id: in plain output (the screen's footer says it; JSON has the event).
      if (show) made.subscribe((_s, e) => void (e.type === 'approval_requested' && show(`   another database role approves it: runbook approve ${journal.runId} --db ${redactUrl(url!)}`)));
      // A hosted run (a fleet's) notifies through its host, which names the fleet.
      if (webhook && !extra.host) {
        notices = runNotices(webhook, { runbook: rb.id, run: journal.runId, target: redactUrl(url!) });
        made.subscribe(notices.listener);
      }
      extra.host?.onSession?.(made, journal.runId);
      return made;
    };
    // The screen in a terminal; plain (or JSON) lines otherwise.
    if (onScreen) {
      const { runInteractive } = await (screen ?? loadTui());
      const final = await runInteractive({
        runbook: rb,
        url,
        targetHint: redactUrl(url),
        kind,
        auto: opts.auto,
        flags: decisionFlags(opts),
        sandbox: Boolean(sandbox),
        procedureId: opts.procedure,
        steps: extra.steps,
        inputs: given,
        resumed: Boolean(journal.resumeFrom),
        createSession: makeSession,
        note: `run ${journal.runId} · journal ${journal.journalPath}`,
        plan: journal.rollbackPlan,
        typeAhead: early,
      });
      return final ? runExitCode(final) : EXIT.failed;
    }
    // In JSON mode the operator's messages are events too, so every line stays JSON.
    const session = makeSession(
      extra.host?.operator ??
      plainOperator(
        {
          yes: Boolean(opts.yes),
          confirmDanger: opts.confirmDanger,
          sandboxDatabase: sandbox?.database,
          operatorName: journal.operator,
          // In a rollback every confirmation says work was done by hand: --yes does not answer it.
          ...(kind === 'rollback' ? { byHand: new Set(steps.filter((s) => s.confirm !== undefined).map((s) => s.id)), undoneByHand: Boolean(opts.undoneByHand) } : {}),
        },
        opts.json ? (text) => text.trim() && out(JSON.stringify({ type: 'message', run: journal.runId, text: text.trim() })) : out),
      given,
    );
    session.subscribe(opts.json ? jsonRenderer(rb, out, journal.runId) : plainRenderer(rb, out));
    if (!opts.json) out(header(rb, opts.procedure, decisionFlags(opts)));
    const stopOnCtrlC = () => {
      if (!session.interrupt()) process.exit(EXIT.interrupted);
    };
    // A hosted run (a fleet worker's) leaves Ctrl-C to its host.
    if (!extra.host) process.on('SIGINT', stopOnCtrlC);
    const final = await session.run();
    process.off('SIGINT', stopOnCtrlC);
    // Never only "run failed": the commands that take the run on from where it stopped.
    if (!opts.json && !extra.host) {
      const again = sandbox ? `runbook run ${rb.file} ${opts.sandboxOn ? '--sandbox-on <the same server URL>' : '--sandbox'}${opts.procedure ? ` --procedure ${opts.procedure}` : ''}` : undefined;
      for (const line of nextCommands(final, { runId: journal.runId, database: final.target?.database, sandboxGone: Boolean(sandbox), again })) out(line);
    }
    return runExitCode(final);
  } catch (e) {
    err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return errorExitCode(e);
  } finally {
    await connection?.then((unused) => unused.close()).catch(() => {});
    await record?.close().catch((e: unknown) => err(`journal: could not close cleanly: ${String(e)}`));
    await notices?.flush();
    await desk?.close();
    await tracing?.close();
    await sandbox?.close().catch((e: unknown) => err(`sandbox: could not clean up: ${String(e)}`));
  }
}

/** Asks whether to resume an unfinished run; returns the resume's exit code, or undefined to start a new run. */
async function offerResume(rb: Runbook, url: string, opts: RunOptions, early: TypeAhead | undefined): Promise<number | undefined> {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const open = unfinishedRun(openStore(opts.stateDir), rb.id, database);
  if (!open) return undefined;
  // Keys typed before the question was asked do not answer it (an early Enter would mean "resume").
  const note = typeAheadQuestionNote(sortEarlyKeys((await early?.drain()) ?? '').dropped);
  if (note) out(note);
  flushOut();
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(
      `Run ${open.id} of "${rb.title}" on ${database} did not finish (${open.outcome}${open.at ? ` at ${open.at}` : ''}).\n` +
        `Resume it? [Y/n] (n starts a new run; \`runbook rollback ${open.id}\` undoes it instead) `,
    );
    if (/^n/i.test(answer.trim())) return undefined;
  } finally {
    rl.close();
  }
  const { resumeCommand } = await import('./resume.js');
  return resumeCommand(open.id, { ...opts, db: url });
}

/** The flags that change who decides what: recorded in the header of the screen (and the run's record). */
export function decisionFlags(
  opts: Pick<RunOptions, 'yes' | 'confirmDanger' | 'auto' | 'undoneByHand'> & { retry?: boolean; skip?: string; inFlight?: string; acceptTargetChange?: boolean },
): string[] {
  const flags: string[] = [];
  if (opts.yes) flags.push('--yes');
  if (opts.confirmDanger) flags.push(`--confirm-danger ${opts.confirmDanger}`);
  if (opts.undoneByHand) flags.push('--undone-by-hand');
  if (opts.auto) flags.push('--auto');
  if (opts.retry) flags.push('--retry');
  if (opts.skip) flags.push(`--skip ${JSON.stringify(opts.skip)}`);
  if (opts.inFlight) flags.push(`--in-flight ${opts.inFlight}`);
  if (opts.acceptTargetChange) flags.push('--accept-target-change');
  return flags;
}

function header(rb: Runbook, procedure: string | undefined, flags: string[]): string {
  const proc = procedure ? rb.procedures.find((p) => p.id === procedure) : undefined;
  const decided = flags.length ? `\ndecided by flags: ${flags.join(' ')} (recorded in the run's journal)` : '';
  return `${rb.title}${proc ? ` — procedure: ${proc.title}` : ''}\nrisk ${rb.risk}${rb.estimate ? ` · estimate ${rb.estimate}` : ''} · ${rb.file}${decided}`;
}
