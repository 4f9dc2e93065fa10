// `runbook schema`: print (or write) the JSON Schema generated from the zod schema.
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { runbookJsonSchema } from '../../runbook/json-schema.js';
import { targetsJsonSchema } from '../../fleet/targets-json-schema.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema for runbook files (for yaml-language-server)')
    .option('-o, --output <file>', 'write it to a file instead of stdout')
    .option('--targets', 'the schema of a fleet’s targets file instead')
    .action(async (opts: { output?: string; targets?: boolean }) => {
      const text = opts.targets ? targetsJsonSchema() : runbookJsonSchema();
      if (opts.output) await writeFile(opts.output, text);
      else process.stdout.write(text);
    });
}
