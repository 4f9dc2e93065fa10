// `runbook lint FILE…`: what each statement of plain .sql migrations and of
// runbooks does to a live database — the locks it takes, table rewrites,
// scans — with the safe pattern, as text, JSON or SARIF. For CI: exit 1 when
// a finding of severity warning or above is left unaccepted, 0 otherwise, 2
// when a file cannot be read or the command line is wrong.

import type { Command } from 'commander';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { findingLines, findingsTally } from '../../present/findings.js';
import { sarifLog } from '../../report/sarif.js';
import { ensureParser } from '../../sql/index.js';
import { DEFAULT_SERVER_VERSION_NUM, openFindings, RULES, sqlFindings, type Finding } from '../../sql/findings.js';
import { stderrLine, stdoutLine, stdoutText, type Write } from '../write.js';
import { EXIT } from '../exit-codes.js';

export interface LintOptions {
  json?: boolean;
  format?: string;
  serverVersion?: string;
}

export interface FileFinding extends Finding {
  file: string;
}

/** How much text (in characters) the text format gathers before it writes (each write ends with a newline, as each line did). */
const OUTPUT_BLOCK_CHARS = 64 * 1024;

/** A problem with the command line or a file that cannot be read: exit 2. */
class UsageError extends Error {}

/** '15', '15.4', '150004' → 150004-style server_version_num. */
export function parseServerVersion(text: string): number {
  const t = text.trim();
  if (/^\d{5,6}$/.test(t)) return Number(t);
  const m = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(t);
  if (m && Number(m[1]) >= 10) return Number(m[1]) * 10000 + Number(m[2] ?? 0);
  throw new UsageError(`--server-version "${text}": expected a PostgreSQL version such as 15, 15.4 or 150004 (server_version_num), 10 or newer`);
}

/** The .sql files a folder argument stands for (recursively, in name order). */
async function sqlFilesUnder(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await sqlFilesUnder(path)));
    else if (e.name.toLowerCase().endsWith('.sql')) files.push(path);
  }
  return files;
}

async function expand(args: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    let info;
    try {
      info = await stat(arg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`${arg}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot be read (${code})`}: expected a .sql file, a runbook (.yaml) or a folder of .sql files`);
    }
    files.push(...(info.isDirectory() ? await sqlFilesUnder(arg) : [arg]));
  }
  return files;
}

function syntaxFinding(file: string, line: number, column: number, message: string, rule: 'syntax-error' | 'invalid-runbook'): FileFinding {
  return {
    file, line, column, rule, severity: 'error', statementIndex: -1, command: '', lock: null, relation: null, rewrite: false,
    message, advice: RULES[rule].advice,
  };
}

/** Every finding in every file, in order. */
export async function lintFiles(args: string[], serverVersionNum: number): Promise<{ findings: FileFinding[]; files: number }> {
  const files = await expand(args);
  await ensureParser();
  const findings: FileFinding[] = [];
  for (const file of files) {
    if (/\.ya?ml$/i.test(file)) {
      // The runbook loader (YAML, the schema, the runbook's own checks) is loaded for a runbook only: a lint of
      // .sql files paid for its modules at every start (~15-40 ms of module initialisation).
      const { loadRunbook } = await import('../../runbook/load.js');
      const loaded = await loadRunbook(file, { serverVersionNum });
      if (!loaded.ok) {
        for (const p of loaded.problems) findings.push(syntaxFinding(p.file, p.line, p.column, p.message, 'invalid-runbook'));
      } else {
        findings.push(...(loaded.runbook.findings ?? []));
      }
      continue;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    try {
      // A plain migration file runs as psql would run it: statement by statement, BEGIN…COMMIT where written.
      findings.push(...sqlFindings(text, { serverVersionNum, transaction: 'never' }).map((f) => ({ ...f, file })));
    } catch (err) {
      const e = err as { line?: number; column?: number; message: string };
      findings.push(syntaxFinding(file, e.line ?? 1, e.column ?? 1, `SQL does not parse: ${e.message}`, 'syntax-error'));
    }
  }
  return { findings, files: files.length };
}

export async function lintCommand(args: string[], options: LintOptions, out: Write, err: Write): Promise<number> {
  try {
    const format = options.json ? 'json' : (options.format ?? 'text');
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format ${format}: expected text, json or sarif`);
    const version = options.serverVersion ? parseServerVersion(options.serverVersion) : DEFAULT_SERVER_VERSION_NUM;
    const { findings, files } = await lintFiles(args, version);
    if (format === 'json') {
      const rows = findings.map((f) => ({
        file: f.file, line: f.line, column: f.column, rule: f.rule, severity: f.severity, lock: f.lock, rewrite: f.rewrite,
        message: f.message, advice: f.advice, relation: f.relation, accepted: f.accepted ?? null,
        // A runbook's finding names its step; a rollback's or fix's says which it is.
        ...('step' in f ? { step: f.step } : {}), ...('part' in f && f.part ? { part: f.part } : {}),
      }));
      out(JSON.stringify({ findings: rows }));
    } else if (format === 'sarif') {
      stdoutText(`${JSON.stringify(sarifLog(findings, '0.1.0'), null, 2)}\n`);
    } else {
      // Lines go out in blocks, not one write each: a 10,000-statement migration has ~2,000 lines of findings,
      // and each write to a file or pipe is a trip through the stream (~10 µs), ~20 ms of lint's time.
      const block: string[] = [];
      let size = 0;
      for (const f of findings) {
        for (const line of findingLines(f)) {
          block.push(line);
          size += line.length;
          if (size >= OUTPUT_BLOCK_CHARS) {
            out(block.join('\n'));
            block.length = 0;
            size = 0;
          }
        }
      }
      block.push(findingsTally(findings, files));
      out(block.join('\n'));
    }
    return openFindings(findings).length > 0 ? EXIT.failed : EXIT.done;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`runbook lint: ${e.message}`);
      return EXIT.usage;
    }
    throw e;
  }
}

export function register(program: Command): void {
  program
    .command('lint')
    .description('what each statement of .sql migrations and runbooks does to a live database: locks, rewrites, scans, with the safe pattern')
    .argument('<files...>', '.sql files, runbook .yaml files, or folders of .sql files')
    .option('--json', 'print {"findings": [...]} as JSON')
    .option('--format <format>', 'text (default), json or sarif (SARIF 2.1.0 for code-scanning tools)')
    .option('--server-version <version>', `the PostgreSQL version to judge for: 15, 15.4 or 150004 (default ${DEFAULT_SERVER_VERSION_NUM / 10000})`)
    .addHelpText('after', '\nExit status: 1 when a finding of severity warning or above is not accepted, 0 otherwise, 2 when a file cannot be read.\nAccept a finding in SQL with a comment on or above the statement: -- runbook: accept <rule> <reason>\nIn a runbook, per step: accept: { <rule>: <reason> }')
    .action(async (files: string[], options: LintOptions) => {
      process.exitCode = await lintCommand(files, options, stdoutLine, stderrLine);
    });
}
