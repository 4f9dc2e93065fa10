// `runbook export FILE --format md [-o OUT]`: a runbook as a Markdown document
// for a wiki page or a change ticket. FILE may also be a runbook id.
import { stderrLine, stdoutLine } from '../write.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { exportMarkdown } from '../../markdown/export.js';
import { findRunbookById } from '../../runbook/discover.js';
import { loadRunbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';
import { EXIT } from '../exit-codes.js';

type Write = (line: string) => void;

export interface ExportOptions {
  format: string;
  output?: string;
}

export async function exportCommand(file: string, opts: ExportOptions, out: Write, err: Write): Promise<number> {
  // Accept an id as well as a path: operators know runbooks by id (`runbook list`).
  const path = !existsSync(file) && /^[a-z0-9][a-z0-9_-]*$/.test(file) ? ((await findRunbookById(file)) ?? file) : file;
  const loaded = await loadRunbook(path);
  if (!loaded.ok) {
    const [first] = loaded.problems;
    if (first && first.message === 'file not found') {
      err(`runbook export: ${path} not found; check the path, or run \`runbook list\` to see the runbooks there are`);
    } else {
      const more = loaded.problems.length > 1 ? `; ${loaded.problems.length} problems in all, \`runbook validate ${path}\` lists them` : '';
      err(`runbook export: ${first ? formatProblem(first) : `${path} does not load`}${more}. Fix the runbook, then export again.`);
    }
    return EXIT.usage;
  }
  const rb = loaded.runbook;
  const markdown = exportMarkdown(rb, { sqlFile: (p) => rb.sqlFiles.get(p) });
  if (!opts.output) {
    out(markdown.trimEnd());
    return EXIT.done;
  }
  try {
    await writeFile(opts.output, markdown);
  } catch (e) {
    err(`runbook export: cannot write ${opts.output} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that its folder exists and is writable`);
    return EXIT.usage;
  }
  err(`runbook export: wrote ${opts.output} (${rb.steps.length} steps, ${rb.procedures.length} procedures)`);
  return EXIT.done;
}

export function register(program: Command): void {
  program
    .command('export')
    .description('write a runbook as a Markdown document (for a wiki page or a change ticket)')
    .argument('<file>', 'runbook YAML file, or a runbook id')
    .addOption(new Option('--format <format>', 'output format').choices(['md']).default('md'))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (file: string, opts: ExportOptions) => {
      process.exitCode = await exportCommand(file, opts, stdoutLine, stderrLine);
    });
}
