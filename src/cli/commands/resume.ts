// `runbook resume [RUN]`: continue a run that was stopped or killed. The state
// is replayed from its journal; a step left in flight is reconciled by its
// verification before anything else happens (see src/journal/reconcile.ts).
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

export interface ResumeOptions extends RunOptions {
  file?: string;
  retry?: boolean;
  skip?: string;
}

const stderr = stderrLine;

const resumable = (j: Journal) => ['stopped', 'failed', 'aborted'].includes(journalStatus(j).outcome);

export async function resumeCommand(ref: string | undefined, opts: ResumeOptions, host?: RunHost): Promise<number> {
  const err = host?.err ?? stderr;
  if (opts.sandbox || opts.sandboxOn) {
    err('resume: a sandbox run cannot be resumed (its database is gone); start it again');
    return 2;
  }
  const found = loadRun(openStore(opts.stateDir), ref, resumable);
  if ('error' in found) {
    err(`resume: ${found.error}`);
    return 2;
  }
  const { journal } = found;
  const { header } = journal;
  const status = journalStatus(journal);
  if (status.outcome === 'succeeded') {
    err(`resume: run ${header.runId} succeeded; there is nothing to continue`);
    return 2;
  }
  if (status.rolledBack) {
    err(`resume: run ${header.runId} was rolled back; start a new run instead`);
    return 2;
  }
  const rb = await runbookOfRun(header, opts.file, ' started; its items still match, so the run continues with the file as it is now', err);
  if (!rb) return 2;
  let state;
  try {
    state = { ...replay(rb, journal), ended: null };
  } catch (e) {
    err(`resume: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }

  // Secret inputs were never journalled: they must be given again. The rest are fixed.
  const given = parseInputArgs(opts.input ?? []);
  if (state.inputs) {
    const secrets = Object.entries(rb.inputs).filter(([, spec]) => spec.secret);
    const fixed = Object.keys(given.values).filter((k) => !rb.inputs[k]?.secret);
    if (fixed.length) {
      err(`resume: inputs are fixed once a run has started (${fixed.join(', ')}); only secret inputs are given again`);
      return 2;
    }
    const inputs = { ...state.inputs };
    for (const [name, spec] of secrets) {
      if (state.inputs[name] === null) continue;
      const raw = given.values[name];
      if (raw === undefined) {
        err(`resume: input ${name} is secret and was not journalled: pass --input ${name}=VALUE`);
        return 2;
      }
      const { value, problem } = coerceInput(name, spec, raw);
      if (problem) {
        err(`resume: ${problem}`);
        return 2;
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
    return 2;
  }
  const original = header.rollbackOf ? findOriginal(opts, header.rollbackOf) : undefined;
  err(`resuming run ${header.runId} (${status.outcome}${status.at ? ` at ${status.at}` : ''}), started ${new Date(header.startedAt).toISOString()} by ${header.operator}`);
  return runCommand(
    rb.file,
    { ...opts, db, procedure: header.procedureId, input: state.inputs ? [] : (opts.input ?? []) },
    {
      runbook: rb,
      kind: header.kind,
      steps: journalSteps(rb, header),
      record: { resume: { journal, state }, ...(original ? { rollbackOf: { journal: original, plan: header.plan ?? [] } } : {}) },
      operator: opts.retry || opts.skip ? firstAnswer(opts) : undefined,
      host,
    },
  );
}

function findOriginal(opts: ResumeOptions, runId: string): Journal | undefined {
  const found = loadRun(openStore(opts.stateDir), runId);
  return 'error' in found ? undefined : readJournal(found.journal.path);
}

/** --retry / --skip REASON: the answer to the first "what now?" (the item where the run stopped). */
function firstAnswer(opts: ResumeOptions): (operator: Operator) => Operator {
  return (operator) => {
    let used = false;
    const answered: Operator = Object.create(operator);
    answered.blocked = async (item, verdicts, entries) => {
      if (used) return operator.blocked(item, verdicts, entries);
      used = true;
      return opts.skip ? { type: 'skip', reason: opts.skip } : { type: 'retry' };
    };
    return answered;
  };
}

export function register(program: Command): void {
  addRunOptions(
    program
      .command('resume')
      .description('continue a run that was stopped or killed; a step left in flight is checked by its verification first')
      .argument('[run]', 'run id (or a unique part of it); default: the newest unfinished run'),
  )
    .option('--file <runbook>', 'the runbook file, if it moved since the run')
    .option('--retry', 'where the run stopped on a failed or unknown item, retry it')
    .option('--skip <reason>', 'where the run stopped, skip that item with this reason (if the runbook allows)')
    .action(async (ref: string | undefined, opts: ResumeOptions) => {
      process.exitCode = await resumeCommand(ref, opts);
    });
}
