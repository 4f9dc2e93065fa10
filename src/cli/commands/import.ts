// `runbook import DOC.md [-o OUT.yaml]`: a first draft of a runbook from a
// Markdown procedure. What could not be mapped goes to stderr (and into the
// YAML as comments) so the author knows what to finish by hand.
import { stderrLine, stdoutLine } from '../write.js';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { importMarkdown } from '../../markdown/import.js';
import { EXIT } from '../exit-codes.js';

type Write = (line: string) => void;

export interface ImportOptions {
  output?: string;
  id?: string;
  force?: boolean;
}

export async function importCommand(doc: string, opts: ImportOptions, out: Write, err: Write): Promise<number> {
  if (opts.output && existsSync(opts.output) && !opts.force) {
    // An import is a draft; never overwrite a runbook someone may have finished by hand.
    err(`runbook import: ${opts.output} already exists; choose another -o file, or pass --force to overwrite it`);
    return EXIT.usage;
  }
  let markdown: string;
  try {
    markdown = await readFile(doc, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(e)})`;
    err(`runbook import: ${doc} ${why}; give the path of a Markdown (.md) document`);
    return EXIT.usage;
  }
  const result = await importMarkdown(markdown, {
    fileName: basename(doc),
    ...(opts.id ? { id: opts.id } : {}),
    ...(opts.output ? { rebaseSqlFile: sqlFileRebaser(doc, opts.output) } : {}),
  });
  if (opts.output) {
    try {
      await writeFile(opts.output, result.yaml);
    } catch (e) {
      err(`runbook import: cannot write ${opts.output} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that its folder exists and is writable`);
      return EXIT.usage;
    }
  } else {
    out(result.yaml.trimEnd());
  }
  const where = opts.output ?? 'the YAML';
  const rb = result.runbook;
  const counts = [count(rb.steps.length, 'step'), count(rb.procedures.length, 'procedure'), count(rb.troubleshooting.length, 'troubleshooting entry', 'troubleshooting entries')];
  err(`runbook import: ${counts.join(', ')}${opts.output ? `, written to ${opts.output}` : ''}`);
  if (result.unmapped.length > 0) {
    err(`Not mapped, to finish by hand in ${where} (${result.unmapped.length}):`);
    for (const item of result.unmapped) err(`  - ${item}`);
  }
  if (opts.output) err(`Next: \`runbook validate ${opts.output}\` checks it (sql_file paths are relative to the runbook file).`);
  return EXIT.done;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * sql_file paths in a document are relative to where its author ran psql:
 * the current folder or the document's own. When the file is found there,
 * name it relative to the runbook file, as the runbook format wants.
 */
function sqlFileRebaser(doc: string, output: string): (path: string) => string {
  return (path) => {
    if (isAbsolute(path)) return path;
    const found = [resolve(path), resolve(dirname(doc), path)].find((p) => existsSync(p));
    return found ? relative(dirname(resolve(output)), found).split(sep).join('/') : path;
  };
}

export function register(program: Command): void {
  program
    .command('import')
    .description('draft a runbook from a Markdown procedure document')
    .argument('<doc>', 'Markdown document (.md)')
    .option('-o, --output <file>', 'write the YAML to this file instead of stdout')
    .option('--id <id>', 'the runbook id (default: from the document title)')
    .option('--force', 'overwrite the -o file if it exists')
    .action(async (doc: string, opts: ImportOptions) => {
      process.exitCode = await importCommand(doc, opts, stdoutLine, stderrLine);
    });
}
