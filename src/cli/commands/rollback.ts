// `runbook rollback RUN`: undo what a run actually did. The plan is the steps
// that completed, newest first, each through its `rollback:` section; it is
// shown, then run as a run of its own, with the same checks and gating
// (destructive statements need the database name typed). Each undo that passes
// is marked in the original run's journal, so nothing is undone twice.
import { stderrLine, stdoutLine } from '../write.js';
import type { Command } from 'commander';
import { resolveDatabaseUrl } from '../../exec/connection-url.js';
import { journalStatus, replayJournal } from '../../journal/replay.js';
import { completedSteps, describePlan, partlyApplied, planLines, rollbackSteps } from '../../journal/rollback-plan.js';
import { loadRun, openStore } from '../../journal/store.js';
import { addRunOptions, runCommand, type RunOptions } from './run.js';
import { runbookOfRun } from './runbook-of-run.js';
import { EXIT } from '../exit-codes.js';

export interface RollbackOptions extends RunOptions {
  file?: string;
  dryRun?: boolean;
}

const out = stdoutLine;
const err = stderrLine;

export async function rollbackCommand(ref: string | undefined, opts: RollbackOptions): Promise<number> {
  if (opts.sandbox || opts.sandboxOn) {
    err('rollback: a sandbox run cannot be rolled back (its database is gone)');
    return EXIT.usage;
  }
  // A damaged journal is read as far as it can be: the lines that cannot be read are named, and what they held is said to be lost.
  let found: ReturnType<typeof loadRun>;
  try {
    found = loadRun(openStore(opts.stateDir), ref, (j) => j.header.kind !== 'rollback', { lenient: true });
  } catch (e) {
    err(`rollback: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }
  if ('error' in found) {
    err(`rollback: ${found.error}`);
    return EXIT.usage;
  }
  const { journal } = found;
  const { header } = journal;
  if (header.kind === 'rollback') {
    err(`rollback: run ${header.runId} is itself a rollback (of ${header.rollbackOf}); run the runbook again to redo`);
    return EXIT.usage;
  }
  const rb = await runbookOfRun(header, opts.file, '; the rollback sections are read from the file as it is now', err);
  if (!rb) return EXIT.usage;
  const skipped: number[] = [];
  const state = replayJournal(journal, { skipped });
  if (journal.lost?.length || skipped.length) {
    const lines = (journal.lost ?? []).map((l) => `line ${l.line}${l.type || l.key ? ` (${[l.type, l.key].filter(Boolean).join(' of ')})` : ''}`);
    err(
      `rollback: journal ${journal.path} is damaged: ${lines.length ? `${lines.join(', ')} could not be read` : ''}${lines.length && skipped.length ? '; ' : ''}${skipped.length ? `event${skipped.length === 1 ? '' : 's'} ${skipped.join(', ')} no longer fit${skipped.length === 1 ? 's' : ''} the run without the lost lines` : ''}. Those entries are lost: the plan below is built from the entries that could be read, so a step whose completion was recorded only in a lost entry is not in it — check such steps by hand.`,
    );
  }
  const plan = completedSteps(state, rb, header.kind, header.procedureId);
  let steps;
  try {
    steps = rollbackSteps(rb, plan, header.kind, header.procedureId);
  } catch (e) {
    err(`rollback: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }
  const partial = partlyApplied(state);
  const say = opts.json ? err : out;
  say(`rollback of run ${header.runId} (${journalStatus(journal).outcome}, ${header.runbook.id} on ${header.target}, by ${header.operator})`);
  if (plan.length === 0) say('  nothing to undo: no step of that run completed (or every one was already rolled back)');
  else {
    say(`plan: undo ${plan.length} completed step${plan.length === 1 ? '' : 's'}, newest first:`);
    planLines(describePlan(rb, plan, header.kind, header.procedureId)).forEach(say);
  }
  for (const { title, known } of partial) say(`  warning: step "${title}" did not complete and may be partly applied${known ? ` (${known})` : ''}: it is not undone here; check it by hand`);
  if (plan.length === 0) return EXIT.done;
  if (opts.dryRun) {
    say('(--dry-run: nothing was run)');
    return EXIT.done;
  }
  // The undo may use the run's inputs: the journalled ones (secret ones must be given again).
  const inputs = Object.entries(state.inputs ?? {})
    .filter(([k, v]) => v !== null && !rb.inputs[k]?.secret)
    .map(([k, v]) => `${k}=${String(v)}`);
  const fromEnv = resolveDatabaseUrl({ env: process.env });
  const db = opts.db ?? (fromEnv || header.target.includes('***') ? undefined : header.target);
  return runCommand(
    rb.file,
    { ...opts, db, procedure: header.procedureId, input: [...inputs, ...(opts.input ?? [])] },
    { runbook: rb, kind: 'rollback', steps, record: { rollbackOf: { journal, plan } } },
  );
}

export function register(program: Command): void {
  addRunOptions(
    program
      .command('rollback')
      .description('undo a run: the steps it completed, newest first, from their rollback sections')
      .argument('[run]', 'run id (or a unique part of it); default: the newest run'),
  )
    .option('--file <runbook>', 'the runbook file, if it moved since the run')
    .option('--dry-run', 'show the plan, run nothing')
    .option('--undone-by-hand', 'in plain mode: the steps the plan cannot undo (no rollback section, or a manual one) were undone by hand; --yes does not say that')
    .action(async (ref: string | undefined, opts: RollbackOptions) => {
      process.exitCode = await rollbackCommand(ref, opts);
    });
}
