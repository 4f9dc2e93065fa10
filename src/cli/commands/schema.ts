// `runbook schema`: print (or write) the JSON Schema generated from the zod schema.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runbookJsonSchema } from '../../runbook/json-schema.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema for runbook files (for yaml-language-server)')
    .option('-o, --output <file>', 'write it to a file instead of stdout')
    .action(async (opts: { output?: string }) => {
      const text = runbookJsonSchema();
      if (opts.output) await writeFile(opts.output, text);
      else process.stdout.write(text);
    });
}
