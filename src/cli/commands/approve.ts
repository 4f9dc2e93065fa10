// `runbook approve [RUN]`: a second person approves the step a run waits at.
// Given from another terminal or machine, connected to the run's target as
// another database role (the database refuses the role that asked: see
// fleet/approvals.ts); who (the operator name) and which role are recorded
// there and in the run's journal, and the waiting run goes on.
import type { Command } from 'commander';
import { redactUrl } from '../../exec/connection-url.js';
import { approve, pendingApprovals } from '../../fleet/approvals.js';
import { openRecordReader } from '../../fleet/live.js';
import { openStore, operatorName } from '../../journal/store.js';
import { EXIT } from '../exit-codes.js';
import { stderrLine, stdoutLine } from '../write.js';
import { recordDatabase } from './watch.js';

export interface ApproveOptions {
  db?: string;
  step?: string;
  stateDir?: string;
}

type Write = (line: string) => void;

export async function approveCommand(ref: string | undefined, opts: ApproveOptions, out: Write = stdoutLine, err: Write = stderrLine): Promise<number> {
  const url = recordDatabase(ref, opts);
  if (!url) {
    err('approve: no database to approve in: pass --db URL (the run\'s target, connected as your own role), or set DATABASE_URL');
    return EXIT.usage;
  }
  let client;
  try {
    client = await openRecordReader(url);
  } catch (e) {
    err(`approve: could not connect to ${redactUrl(url)}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.connection;
  }
  try {
    const waiting = (await pendingApprovals(client, ref)).filter((p) => !opts.step || p.item === opts.step || p.item === `step:${opts.step}`);
    const what = `${ref ? `run ${ref}` : 'any run'}${opts.step ? `, step ${opts.step}` : ''}`;
    if (waiting.length === 0) {
      err(`approve: nothing waits for an approval in ${redactUrl(url)} (${what})`);
      return EXIT.usage;
    }
    if (waiting.length > 1) {
      err(`approve: ${waiting.length} steps wait for an approval (${what}); name one with RUN and --step:`);
      for (const p of waiting) err(`  runbook approve ${p.runId} --step ${p.item.replace(/^step:/, '')}   (${p.title}, asked by ${p.requestedBy} as ${p.requestedRole})`);
      return EXIT.usage;
    }
    const p = waiting[0];
    const by = operatorName(openStore(opts.stateDir).settings());
    const done = await approve(client, p, by);
    if (!done.ok) {
      err(`approve: refused for run ${p.runId}, step "${p.title}": ${done.reason}`);
      return EXIT.usage;
    }
    out(`approved: run ${p.runId} (${p.runbook}), step "${p.title}" — ${p.reason}`);
    out(`by ${by} as database role ${done.role} at ${done.at}; asked by ${p.requestedBy} as ${p.requestedRole}`);
    return EXIT.done;
  } finally {
    await client.end().catch(() => {});
  }
}

export function register(program: Command): void {
  program
    .command('approve')
    .description('approve the step a run waits at, as a second person (connected as another database role than the run\'s)')
    .argument('[run]', 'run id (or a unique part of it); default: the one run that waits')
    .option('--db <url>', 'the run\'s target database, connected as your own role (default: DATABASE_URL, then PG* variables)')
    .option('--step <id>', 'which step, when several wait')
    .option('--state-dir <dir>', 'where your settings (operator name) are')
    .action(async (ref: string | undefined, opts: ApproveOptions) => {
      process.exitCode = await approveCommand(ref, opts);
    });
}
