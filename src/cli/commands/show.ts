// `runbook show FILE|ID`: read a runbook — every prerequisite, step, check,
// expected output, rollback, procedure, troubleshooting entry and checklist
// item — without running anything or connecting to anything. On a terminal it
// is a scrollable screen; piped, the same content as plain text.
import { stderrLine, stdoutLine } from '../write.js';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { basename } from 'node:path';
import { discoverRunbooks, findRunbookById } from '../../runbook/discover.js';
import { loadRunbook, type Runbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';
import { plainText } from '../../tui/show/content.js';
import { EXIT } from '../exit-codes.js';

type Write = (line: string) => void;

export interface ShowCommandOptions {
  plain?: boolean;
  width?: string;
  /** Open on this procedure (the screen starts on it; plain text is unchanged). */
  procedure?: string;
}

/** A file path, or the id (or file name) of a runbook in ./runbooks or RUNBOOK_PATH. */
export async function resolveRunbookArg(arg: string): Promise<string | undefined> {
  if (existsSync(arg) || /[/\\]|\.ya?ml$/i.test(arg)) return arg;
  const byId = await findRunbookById(arg);
  if (byId) return byId;
  // Or the file's own name without .yaml: `runbook show 002-multi-pair-support`.
  return (await discoverRunbooks()).find((r) => basename(r.file).replace(/\.ya?ml$/i, '') === arg)?.file;
}

export async function loadForShow(arg: string, err: Write): Promise<Runbook | null> {
  const file = await resolveRunbookArg(arg);
  if (!file) {
    err(`runbook show: no file ${arg}, and no runbook with that id in ./runbooks or RUNBOOK_PATH (runbook list shows them)`);
    return null;
  }
  const loaded = await loadRunbook(file);
  if (!loaded.ok) {
    for (const p of loaded.problems) err(formatProblem(p));
    err(`${file}: cannot be shown — fix the problems above (runbook validate ${file})`);
    return null;
  }
  return loaded.runbook;
}

export async function showCommand(arg: string, opts: ShowCommandOptions, out: Write, err: Write, tty = Boolean(process.stdin.isTTY && process.stdout.isTTY)): Promise<number> {
  const rb = await loadForShow(arg, err);
  if (!rb) return EXIT.usage;
  if (opts.procedure && !rb.procedures.some((p) => p.id === opts.procedure)) {
    err(`${rb.file}: no procedure "${opts.procedure}"; it has: ${rb.procedures.map((p) => p.id).join(', ') || 'none'}`);
    return EXIT.usage;
  }
  if (tty && !opts.plain) {
    const { loadShow } = await import('../../tui/load.js');
    const { runShow } = await loadShow();
    await runShow(rb, opts.procedure ? { selectKey: `procedure:${opts.procedure}` } : {});
    return EXIT.done;
  }
  const width = Number(opts.width) > 0 ? Number(opts.width) : process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 100;
  for (const line of plainText(rb, Math.max(40, width))) out(line);
  return EXIT.done;
}

export function register(program: Command): void {
  program
    .command('show')
    .description('read a runbook on the screen — every step, check, rollback and troubleshooting entry — without running or connecting to anything')
    .argument('<file>', 'runbook YAML file, or a runbook id from `runbook list`')
    .option('--plain', 'print it as plain text (default when not in a terminal)')
    .option('--procedure <id>', 'open on this procedure (a rollback or recovery scenario)')
    .option('--width <columns>', 'wrap plain text at this width (default 100)')
    .action(async (file: string, opts: ShowCommandOptions) => {
      process.exitCode = await showCommand(file, opts, stdoutLine, stderrLine);
    });
}
