// `runbook worker`: takes target jobs of any fleet from the control database
// and runs each as an ordinary run, until stopped (Ctrl-C / SIGTERM: the
// running jobs finish first; a second signal leaves at once).
import type { Command } from 'commander';
import { startWorker } from '../../fleet/worker.js';
import { openControl } from './fleet.js';
import { stderrLine, stdoutLine } from '../write.js';

export interface WorkerCommandOptions {
  control?: string;
  concurrency: string;
  stateDir?: string;
  verbose?: boolean;
}

export async function workerCommand(opts: WorkerCommandOptions): Promise<number> {
  const concurrency = Number(opts.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    stderrLine(`--concurrency ${opts.concurrency}: expected a whole number of at least 1`);
    return 2;
  }
  const log = stdoutLine;
  const opened = await openControl(opts, concurrency + 4);
  try {
    const worker = await startWorker({
      control: opened.control,
      concurrency,
      stateDir: opts.stateDir,
      log,
      runOutput: opts.verbose ? (target, line) => log(`[${target}] ${line}`) : undefined,
    });
    log(`worker: ready (pid ${process.pid}, concurrency ${concurrency})`);
    let signals = 0;
    const onSignal = () => {
      signals += 1;
      if (signals > 1) process.exit(130);
      log('worker: stopping after the running jobs (again to leave at once)');
      void worker.stop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    await worker.promise;
    await worker.stop();
    return 0;
  } finally {
    await opened.close();
  }
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run target jobs of fleets from a control database (any number of workers, on any machine)')
    .option('--control <url>', 'the control database (default: RUNBOOK_CONTROL_URL, else the embedded one of this machine)')
    .option('--concurrency <n>', 'target jobs at once', '2')
    .option('--state-dir <dir>', 'where runs are recorded (default: RUNBOOK_STATE_DIR, then the user config folder)')
    .option('--verbose', 'print each run’s output, prefixed by its target')
    .action(async (opts: WorkerCommandOptions) => {
      process.exitCode = await workerCommand(opts);
    });
}
