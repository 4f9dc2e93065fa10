// `runbook resume [RUN]`: continue a run that was stopped or killed. The state
// is replayed from its journal; a step left in flight is reconciled by its
// verification before anything else happens (see src/journal/reconcile.ts).
import { timestamp } from '../../present/duration.js';
import { stderrLine } from '../write.js';
import type { Command } from 'commander';
import { resolveDatabaseUrl } from '../../exec/connection-url.js';
import { readJournal, type Journal } from '../../journal/journal.js';
import { journalSteps, journalStatus, replay } from '../../journal/replay.js';
import { loadRun, openStore } from '../../journal/store.js';
import { coerceInput, parseInputArgs } from '../../run/inputs.js';
import type { Operator } from '../../run/operator.js';
import { addRunOptions, runCommand, type RunHost, type RunOptions } from './run.js';
import { runbookOfRun } from './runbook-of-run.js';
import { EXIT } from '../exit-codes.js';
import { SANDBOX_DATABASE } from '../../run/sandbox.js';
import { journalFromRecord } from '../../fleet/handover.js';

export interface ResumeOptions extends RunOptions {
  file?: string;
  retry?: boolean;
  skip?: string;
  inFlight?: string;
  acceptTargetChange?: boolean;
}

const stderr = stderrLine;

const resumable = (j: Journal) => ['stopped', 'failed', 'aborted'].includes(journalStatus(j).outcome);

/**
 * Why a bare `resume` found nothing: the newest run ended in a way that cannot be continued (a runner killed
 * after its run succeeded leaves exactly this), so the operator is told that, not just "no run to pick".
 */
function nothingToResume(stateDir: string | undefined): string | undefined {
  try {
    const newest = loadRun(openStore(stateDir), undefined);
    if ('error' in newest) return undefined;
    const status = journalStatus(newest.journal);
    const id = newest.journal.header.runId;
    if (status.rolledBack) return `the newest run, ${id}, was rolled back; start a new run instead`;
    return `the newest run, ${id}, ${status.outcome}: there is nothing to continue (see runbook history)`;
  } catch {
    return undefined;
  }
}

export async function resumeCommand(ref: string | undefined, opts: ResumeOptions, host?: RunHost): Promise<number> {
  const err = host?.err ?? stderr;
  if (opts.sandbox || opts.sandboxOn) {
    err('resume: a sandbox run cannot be resumed (its database is gone); start it again');
    return EXIT.usage;
  }
  if (opts.inFlight !== undefined && opts.inFlight !== 'applied' && opts.inFlight !== 'not-applied') {
    err(`resume: --in-flight takes applied (it took effect: continue after it) or not-applied (run it again), not "${opts.inFlight}"`);
    return EXIT.usage;
  }
  let found: ReturnType<typeof loadRun>;
  try {
    found = loadRun(openStore(opts.stateDir), ref, resumable);
  } catch (e) {
    err(`resume: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }
  // Not on this machine: the run may be handed over from another, through its shared record in the database.
  const recordUrl = opts.db ?? resolveDatabaseUrl({ env: process.env });
  if ('error' in found && ref && recordUrl) {
    const taken = await journalFromRecord(openStore(opts.stateDir), recordUrl, ref, err).catch((e: unknown) => ({ error: `the shared record could not be read (${e instanceof Error ? e.message : String(e)})` }));
    if ('error' in taken) err(`resume: not in the shared record either: ${taken.error}`);
    else {
      found = loadRun(openStore(opts.stateDir), taken.runId, resumable);
      // A run handed over through the shared record goes on being recorded there, for whoever watches or takes it next.
      opts = { ...opts, recordInDb: true };
    }
  }
  if ('error' in found) {
    err(`resume: ${ref ? found.error : nothingToResume(opts.stateDir) ?? found.error}`);
    return EXIT.usage;
  }
  const { journal } = found;
  const { header } = journal;
  const status = journalStatus(journal);
  if (status.outcome === 'succeeded') {
    err(`resume: run ${header.runId} succeeded; there is nothing to continue`);
    return EXIT.usage;
  }
  if (status.rolledBack) {
    err(`resume: run ${header.runId} was rolled back; start a new run instead`);
    return EXIT.usage;
  }
  // The sandbox (its database, or its whole embedded server) was deleted when that run ended: no --db can reach it.
  if (new RegExp(`/${SANDBOX_DATABASE}(_[0-9a-f]+)?$`).test(header.target)) {
    err(`resume: run ${header.runId} ran in a sandbox, deleted when it ended, so there is nothing to resume: start it again with runbook run ${header.runbook.file} --sandbox`);
    return EXIT.usage;
  }
  const rb = await runbookOfRun(header, opts.file, ' started; its items still match, so the run continues with the file as it is now', err);
  if (!rb) return EXIT.usage;
  let state;
  try {
    state = { ...replay(rb, journal), ended: null };
  } catch (e) {
    err(`resume: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }

  // Secret inputs were never journalled: they must be given again. The rest are fixed.
  const given = parseInputArgs(opts.input ?? []);
  if (state.inputs) {
    const secrets = Object.entries(rb.inputs).filter(([, spec]) => spec.secret);
    // Given again with the value the run has (the screen's "Resume it?" passes the first command's --input on): nothing changes.
    const had: Record<string, unknown> = state.inputs;
    const fixed = Object.keys(given.values).filter((k) => !rb.inputs[k]?.secret && String(had[k] ?? '') !== given.values[k]);
    if (fixed.length) {
      const was = fixed.map((k) => `${k} is ${JSON.stringify(String(had[k] ?? ''))} in run ${header.runId}, not ${JSON.stringify(given.values[k])}`);
      err(`resume: inputs are fixed once a run has started: ${was.join('; ')}; only secret inputs are given again (to start over with other values: runbook run ${header.runbook.file} --input …)`);
      return EXIT.usage;
    }
    const inputs = { ...state.inputs };
    for (const [name, spec] of secrets) {
      if (state.inputs[name] === null) continue;
      const raw = given.values[name];
      if (raw === undefined) {
        err(`resume: input ${name} is secret and was not journalled: pass --input ${name}=VALUE`);
        return EXIT.usage;
      }
      const { value, problem } = coerceInput(name, spec, raw);
      if (problem) {
        err(`resume: ${problem}`);
        return EXIT.usage;
      }
      inputs[name] = value ?? null;
    }
    state = { ...state, inputs };
  }

  // --db, else DATABASE_URL / PG*, else the journalled target when it needs no password.
  const fromEnv = resolveDatabaseUrl({ env: process.env });
  const db = opts.db ?? (fromEnv || header.target.includes('***') ? undefined : header.target);
  if (!db && !fromEnv) {
    err(`resume: the journal keeps no password: pass --db for ${header.target}`);
    return EXIT.usage;
  }
  const original = header.rollbackOf ? findOriginal(opts, header.rollbackOf) : undefined;
  err(`resuming run ${header.runId} (${status.outcome}${status.at ? ` at ${status.at}` : ''}), started ${timestamp(header.startedAt)} by ${header.operator}`);
  return runCommand(
    rb.file,
    { ...opts, db, procedure: header.procedureId, input: state.inputs ? [] : (opts.input ?? []) },
    {
      runbook: rb,
      kind: header.kind,
      steps: journalSteps(rb, header),
      record: { resume: { journal, state }, ...(original ? { rollbackOf: { journal: original, plan: header.plan ?? [] } } : {}) },
      // --in-flight answers what stopped the run (an unknown commit), so the item is tried again with that answer.
      operator: opts.retry || opts.skip || opts.inFlight ? firstAnswer(opts, err) : undefined,
      host,
      ...(opts.inFlight ? { inFlight: opts.inFlight as 'applied' | 'not-applied' } : {}),
      ...(opts.acceptTargetChange ? { acceptTargetChange: true } : {}),
    },
  );
}

function findOriginal(opts: ResumeOptions, runId: string): Journal | undefined {
  const found = loadRun(openStore(opts.stateDir), runId);
  return 'error' in found ? undefined : readJournal(found.journal.path);
}

/** --retry / --skip REASON / --in-flight: the answer to the first "what now?" (the item where the run stopped). */
function firstAnswer(opts: ResumeOptions, err: (line: string) => void): (operator: Operator) => Operator {
  return (operator) => {
    let used = false;
    const answered: Operator = Object.create(operator);
    answered.blocked = async (item, verdicts, help) => {
      if (used) return operator.blocked(item, verdicts, help);
      used = true;
      // A refused --skip says why, and what would do instead.
      if (opts.skip && !item.skippable) {
        err(`resume: --skip refused: ${item.kind} "${item.title}" may not be skipped (the runbook does not say skippable: true for it); fix the cause and use --retry, or roll the run back (runbook rollback)`);
        return { type: 'quit' };
      }
      return opts.skip ? { type: 'skip', reason: opts.skip } : { type: 'retry' };
    };
    return answered;
  };
}

export function register(program: Command): void {
  addRunOptions(
    program
      .command('resume')
      .description('continue a run that was stopped or killed, after the last statement that committed (never before it)')
      .argument('[run]', 'run id (or a unique part of it); default: the newest unfinished run'),
  )
    .option('--file <runbook>', 'the runbook file, if it moved since the run')
    .option('--retry', 'where the run stopped on a failed or unknown item, retry it')
    .option('--skip <reason>', 'where the run stopped, skip that item with this reason (if the runbook allows)')
    .option('--in-flight <answer>', 'a statement whose commit is unknown and that the step\'s applied: query cannot settle: applied (you checked: it took effect) or not-applied (it did not: run it again)')
    .option('--undone-by-hand', 'resuming a rollback in plain mode: the steps it cannot undo were undone by hand (--yes does not say that)')
    .option('--accept-target-change', 'accept a minor upgrade of the server since the run was pinned (15.18 → 15.20); another major version or cluster is still refused')
    .action(async (ref: string | undefined, opts: ResumeOptions) => {
      process.exitCode = await resumeCommand(ref, opts);
    });
}
