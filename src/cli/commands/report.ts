// `runbook report RUN --format md|json|junit`: what a run did, from its journal.
import { stderrLine, stdoutText } from '../write.js';
import { printable } from '../../present/escape.js';
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadRun, openStore } from '../../journal/store.js';
import { buildReport } from '../../journal/summary.js';
import { junitReport } from '../../report/junit.js';
import { markdownReport } from '../../report/markdown.js';
import { jsonReportText } from '../../report/report-json.js';
import { EXIT } from '../exit-codes.js';

export interface ReportOptions {
  format: string;
  output?: string;
  stateDir?: string;
}

const FORMATS: Record<string, (r: ReturnType<typeof buildReport>) => string> = { md: markdownReport, markdown: markdownReport, json: jsonReportText, junit: junitReport };

export function reportCommand(ref: string | undefined, opts: ReportOptions, out: (text: string) => void, err: (line: string) => void): number {
  const render = FORMATS[opts.format];
  if (!render) {
    err(`--format ${opts.format}: expected md, json or junit`);
    return EXIT.usage;
  }
  const found = loadRun(openStore(opts.stateDir), ref);
  if ('error' in found) {
    err(found.error);
    return EXIT.usage;
  }
  const text = render(buildReport(found.journal));
  if (opts.output) {
    writeFileSync(opts.output, printable(text));
    err(`report of run ${found.entry.id} written to ${opts.output}`);
  } else out(text);
  return EXIT.done;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write what a run did: every statement and its timing, every verdict, skip and fix')
    .argument('[run]', 'run id (or a unique part of it); default: the newest run')
    .option('-f, --format <format>', 'md (change ticket, incident review), json, or junit (CI)', 'md')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--state-dir <dir>', 'where runs are recorded (default: RUNBOOK_STATE_DIR, then the user config folder)')
    .action((ref: string | undefined, opts: ReportOptions) => {
      process.exitCode = reportCommand(ref, opts, stdoutText, stderrLine);
    });
}
