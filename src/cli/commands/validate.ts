// `runbook validate FILE…`: every problem in every file, each with file:line:col.
import { stdoutLine } from '../write.js';
import type { Command } from 'commander';
import { loadRunbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';
import { findingLines, findingsTally } from '../../present/findings.js';
import { EXIT } from '../exit-codes.js';

export async function validateFiles(files: string[], write: (line: string) => void): Promise<number> {
  let failed = 0;
  for (const file of files) {
    const result = await loadRunbook(file);
    if (result.ok) {
      // The lock findings are advice here (`runbook lint` is the gate that fails on them); errors were problems already.
      const findings = result.runbook.findings ?? [];
      for (const f of findings) for (const line of findingLines(f)) write(line);
      const tally = findings.length ? `; ${findingsTally(findings, 1).replace(/ in 1 file$/, '')} (runbook lint shows the same)` : '';
      write(`${file}: ok (${result.runbook.steps.length} steps, ${result.runbook.procedures.length} procedures${tally})`);
    } else {
      failed++;
      for (const p of result.problems) write(formatProblem(p));
      const total = result.problems.reduce((n, p) => n + (p.omitted ?? 1), 0);
      write(`${file}: ${total.toLocaleString('en-US')} problem${total === 1 ? '' : 's'}`);
    }
  }
  return failed > 0 ? EXIT.usage : EXIT.done;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check runbook files: every problem listed with file:line:col')
    .argument('<files...>', 'runbook YAML files')
    .action(async (files: string[]) => {
      process.exitCode = await validateFiles(files, stdoutLine);
    });
}
