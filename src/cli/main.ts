// The `runbook` command line: parse arguments, hand off to a command.
// User mistakes end with a message and an exit code, never a stack trace.
import { Command, CommanderError } from 'commander';
import { stderrLine } from './write.js';
import { errorExitCode, EXIT } from './exit-codes.js';
import { ensureParser } from '../sql/parser.js';

type Register = (program: Command) => void;

/**
 * Every command, in the order `runbook --help` lists them, loaded only when
 * needed: `runbook validate` must not pay for loading pg, conf, execa and the
 * screen (about half of its start-up time), so only the command being run is
 * imported; an unknown word or --help loads them all.
 */
const COMMANDS: [name: string, load: () => Promise<{ register: Register }>][] = [
  ['validate', () => import('./commands/validate.js')],
  ['lint', () => import('./commands/lint.js')],
  ['schema', () => import('./commands/schema.js')],
  ['run', () => import('./commands/run.js')],
  ['resume', () => import('./commands/resume.js')],
  ['rollback', () => import('./commands/rollback.js')],
  ['history', () => import('./commands/history.js')],
  ['config', () => import('./commands/config.js')],
  ['report', () => import('./commands/report.js')],
  ['list', () => import('./commands/list.js')],
  ['show', () => import('./commands/show.js')],
  ['export', () => import('./commands/export.js')],
  ['import', () => import('./commands/import.js')],
  ['fleet', () => import('./commands/fleet.js')],
  ['worker', () => import('./commands/worker.js')],
  ['watch', () => import('./commands/watch.js')],
  ['approve', () => import('./commands/approve.js')],
];

/**
 * The commands that read a runbook or SQL file start loading the SQL parser
 * (libpg-query's WebAssembly) before anything else, as they would a moment
 * later (runbook/load.ts): its module is declared with 128 MB of memory, which
 * V8 answers with a full collection of the heap (external memory pressure),
 * cheap while the heap is still small (validate: ~20 ms of collections less),
 * and the compile runs in the background while the command's modules load.
 * Not for --help, which parses nothing.
 */
const READS_SQL = new Set(['validate', 'lint', 'run']);

/** The command named on the command line: its first word that is not an option. */
function commandWord(argv: string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

function startParserEarly(argv: string[]): void {
  const word = commandWord(argv);
  if (word && READS_SQL.has(word) && !argv.includes('--help') && !argv.includes('-h')) ensureParser().catch(() => {});
}

async function commandsFor(argv: string[]): Promise<Register[]> {
  const word = commandWord(argv);
  const only = COMMANDS.find(([name]) => name === word);
  const wanted = only ? [only] : COMMANDS;
  return (await Promise.all(wanted.map(([, load]) => load()))).map((m) => m.register);
}

export async function main(argv: string[]): Promise<void> {
  quietOnClosedPipe();
  // `runbook` alone: the picker in a terminal, the `list` output otherwise.
  if (argv.length <= 2) {
    try {
      process.exitCode = await (await import('./commands/pick.js')).bareCommand();
    } catch (err) {
      stderrLine(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = errorExitCode(err);
    }
    keepExitCode();
    return;
  }
  const program = new Command('runbook')
    .description('Walk through a database runbook, step by step, live against PostgreSQL.')
    .version('0.1.0')
    .showHelpAfterError('(run `runbook --help` for usage)')
    .addHelpText('after', '\n`runbook` alone, in a terminal, lists the runbooks (and their procedures) to pick from: type to filter, Enter to run, v to read.')
    .exitOverride();
  startParserEarly(argv);
  for (const register of await commandsFor(argv)) register(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the usage problem (or the help).
      process.exitCode = err.exitCode === 0 ? EXIT.done : EXIT.usage;
    } else {
      stderrLine(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = errorExitCode(err);
    }
  }
  keepExitCode();
}

/**
 * `runbook list | head` closes the pipe before the output is all written:
 * that is the reader saying it has seen enough, not an error to report with
 * a stack trace. A run in progress is not cut short by it (its journal is
 * written regardless); only the printing stops.
 */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
      stream.destroy();
    });
  }
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
