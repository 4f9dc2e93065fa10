// `runbook list [--json]`: the runbooks in ./runbooks and RUNBOOK_PATH, with
// their risk and estimate, and the procedures each can run on its own.
import { stderrLine, stdoutLine } from '../write.js';
import { listingText } from '../../present/table.js';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultRunbookDirs, discoverRunbooks, type DiscoveredRunbook } from '../../runbook/discover.js';
import { EXIT } from '../exit-codes.js';

type Write = (line: string) => void;

export async function listCommand(opts: { json?: boolean }, out: Write, err: Write, dirs = defaultRunbookDirs()): Promise<number> {
  for (const dir of dirs.slice(1)) {
    if (!existsSync(dir)) err(`runbook list: RUNBOOK_PATH names ${dir}, which does not exist; fix RUNBOOK_PATH or create the folder`);
  }
  const runbooks = await discoverRunbooks(dirs);
  if (opts.json) {
    out(JSON.stringify(runbooks, null, 2));
    return EXIT.done;
  }
  if (runbooks.length === 0) {
    out(`No runbooks found in ${dirs.join(', ')}. Put *.yaml runbooks in ./runbooks, or add folders to RUNBOOK_PATH (separated by ":").`);
    return EXIT.done;
  }
  for (const line of table(runbooks)) out(line);
  const broken = runbooks.filter((r) => r.error).length;
  if (broken > 0) err(`${broken} runbook file${broken > 1 ? 's do' : ' does'} not load; \`runbook validate FILE\` lists every problem.`);
  return EXIT.done;
}

function table(runbooks: DiscoveredRunbook[]): string[] {
  const rows = runbooks.map((r) => [r.id ?? '?', r.risk ?? '', r.estimate ?? '', r.title ?? '', r.file]);
  const listed = listingText(['ID', 'RISK', 'ESTIMATE', 'TITLE', 'FILE'], rows, [32, 8, 16, 56]);
  const lines = [listed[0]];
  runbooks.forEach((r, i) => {
    lines.push(listed[i + 1]);
    if (r.error) lines.push(`    does not load: ${r.error}`);
    for (const p of r.procedures) lines.push(`    procedure ${p.id}: ${p.title}`);
  });
  return lines;
}

export function register(program: Command): void {
  program
    .command('list')
    .description('list the runbooks in ./runbooks and the folders of RUNBOOK_PATH')
    .option('--json', 'print them as JSON')
    .action(async (opts: { json?: boolean }) => {
      process.exitCode = await listCommand(opts, stdoutLine, stderrLine);
    });
}
