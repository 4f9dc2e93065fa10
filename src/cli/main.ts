// The `runbook` command line: parse arguments, hand off to a command.
// User mistakes end with a message and an exit code, never a stack trace.
import { Command, CommanderError } from 'commander';
import { register as registerRun } from './commands/run.js';
import { register as registerSchema } from './commands/schema.js';
import { register as registerValidate } from './commands/validate.js';
import { register as registerResume } from './commands/resume.js';
import { register as registerRollback } from './commands/rollback.js';
import { register as registerHistory } from './commands/history.js';
import { register as registerReport } from './commands/report.js';

export async function main(argv: string[]): Promise<void> {
  const program = new Command('runbook')
    .description('Walk through a database runbook, step by step, live against PostgreSQL.')
    .version('0.1.0')
    .showHelpAfterError('(run `runbook --help` for usage)')
    .exitOverride();
  for (const register of [registerValidate, registerSchema, registerRun, registerResume, registerRollback, registerHistory, registerReport]) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
  keepExitCode();
}

/**
 * The PostgreSQL parser (an Emscripten WebAssembly module) may set
 * process.exitCode to 0 when its runtime winds down; the command's own
 * verdict must win.
 */
function keepExitCode(): void {
  const code = process.exitCode;
  process.once('exit', () => {
    process.exitCode = code;
  });
}
