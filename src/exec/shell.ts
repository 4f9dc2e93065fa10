// Shell steps, through execa. The command text runs exactly as written in the
// runbook; inputs reach it only as environment variables (RUNBOOK_INPUT_*,
// DATABASE_URL), never spliced into the text, so a value like `$(rm -rf ~)`
// is data, not code.
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { duration } from '../present/duration.js';
import { KEPT_OUTPUT_CHARS, emptyResult, type ActionResult, type ExecError, type ExecListener } from './types.js';

export interface ShellRequest {
  /** The command text as written in the runbook. */
  command: string;
  cwd: string;
  /** Added to this process's environment (PATH and HOME stay available). */
  env: Record<string, string>;
  /** Kill the command (its whole process group) after this long. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping the command; KILL_GRACE_MS by default. */
  killGraceMs?: number;
}

/** Time a stopped command gets to clean up after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 3000;
/** How long to keep reading output after the command exits, for what its background processes still write. */
const LINGER_AFTER_EXIT_MS = 1000;
/** A "line" longer than this (a binary dump, a progress bar) is split, so one line cannot fill memory. */
const MAX_LINE_CHARS = 64 * 1024;

/**
 * Like GitHub Actions' `bash -eo pipefail`: a failing line stops a multi-line
 * script, and `pg_dump ... | gzip > x` fails when pg_dump fails instead of
 * reporting success with an empty backup. No profile or rc files: a step must
 * not depend on whoever's shell configuration is on the machine.
 */
const BASH_ARGS = ['--noprofile', '--norc', '-eo', 'pipefail', '-c'];

export async function runShell(request: ShellRequest, listener: ExecListener, signal?: AbortSignal): Promise<ActionResult> {
  const started = performance.now();
  let exitedAt: number | undefined;
  const finish = (fields: Partial<ActionResult>): ActionResult => ({ ...emptyResult(), ...fields, durationMs: (exitedAt ?? performance.now()) - started });
  if (signal?.aborted) return finish({ ok: false, error: { kind: 'cancelled', message: 'cancelled before the command started' } });
  if (!isDirectory(request.cwd)) {
    return finish({ ok: false, error: { kind: 'shell', message: `working directory does not exist: ${request.cwd}` } });
  }

  const output = new KeptOutput(KEPT_OUTPUT_CHARS);
  let lastStderrLine = '';
  const onLine = (stream: 'stdout' | 'stderr') => (line: string) => {
    output.add(line);
    if (stream === 'stderr' && line.trim() !== '') lastStderrLine = line.trim();
    listener({ type: 'output', stream, line });
  };

  // Loaded on the first shell step: execa costs ~100 ms and ~13 MB at start, and many runbooks have no shell step.
  const { execa } = await import('execa');
  if (signal?.aborted) return finish({ ok: false, error: { kind: 'cancelled', message: 'cancelled before the command started' } });
  const child = execa('/bin/bash', [...BASH_ARGS, request.command], {
    cwd: request.cwd,
    env: request.env,
    extendEnv: true,
    stdin: 'ignore', // a prompt would wait forever: the operator cannot type into it
    buffer: false, // we stream and keep a bounded copy ourselves
    reject: false,
    // Its own process group, so stopping it also stops what it started
    // (psql, pg_dump, a pipeline), not just bash.
    detached: true,
  });
  const stopper = new GroupStopper(child.pid, request.killGraceMs ?? KILL_GRACE_MS);
  const streamsDone = Promise.all([pipeLines(child.stdout, onLine('stdout')), pipeLines(child.stderr, onLine('stderr'))]);

  let stoppedBy: 'timeout' | 'cancelled' | null = null;
  const stop = (why: 'timeout' | 'cancelled') => {
    stoppedBy ??= why;
    stopper.stop();
  };
  const timer = request.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), request.timeoutMs) : undefined;
  const onAbort = () => stop('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });
  // If runbook itself exits mid-command, the detached group must not live on.
  const onExit = () => stopper.killNow();
  process.once('exit', onExit);

  try {
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), child]);
    exitedAt = performance.now();
    // A background process (`pg_ctl start` without -l, `cmd &`) can hold the
    // output open long after the command ended; the step must not hang on it.
    const drained = await Promise.race([streamsDone.then(() => true), delay(LINGER_AFTER_EXIT_MS).then(() => false)]);
    if (!drained) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      listener({ type: 'info', message: 'the command left a background process holding its output open; its further output is not shown' });
    }
    const result = await child;
    const exitCode = typeof result.exitCode === 'number' ? result.exitCode : undefined;
    const base = { output: output.text(), exitCode };
    if (stoppedBy === 'timeout') return finish({ ...base, ok: false, error: { kind: 'timeout', message: `killed after ${duration(request.timeoutMs!)}`, hint: 'The step took longer than its timeout; raise `timeout:` if it needs longer.' } });
    if (stoppedBy === 'cancelled') return finish({ ...base, ok: false, error: { kind: 'cancelled', message: 'cancelled: the command and everything it started were stopped' } });
    if (exitCode === 0) return finish({ ...base, ok: true });
    return finish({ ...base, ok: false, error: failure(result, exitCode, lastStderrLine) });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    process.removeListener('exit', onExit);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Why the command failed, in words an operator can act on. */
function failure(result: { signal?: string; shortMessage?: string }, exitCode: number | undefined, lastStderrLine: string): ExecError {
  if (exitCode === undefined) {
    if (result.signal) return { kind: 'shell', message: `command was killed by ${result.signal}${result.signal === 'SIGKILL' ? ' (out of memory?)' : ''}` };
    return { kind: 'shell', message: `command could not be started: ${result.shortMessage ?? 'unknown reason'}` };
  }
  const stderr = lastStderrLine ? `: ${lastStderrLine}` : '';
  if (exitCode === 127) {
    // bash says "bash: line 1: pg_dumpx: command not found".
    const name = /([^\s:]+): command not found/.exec(lastStderrLine)?.[1];
    const what = name ? `command not found: ${name}` : 'command not found';
    return { kind: 'shell', exitCode, message: `${what} (exit code 127); install it, or check that it is on PATH`, detail: lastStderrLine || undefined };
  }
  if (exitCode === 126) return { kind: 'shell', exitCode, message: `command cannot be executed (exit code 126; not executable?)${stderr}` };
  return { kind: 'shell', exitCode, message: `command exited with code ${exitCode}${stderr}` };
}


/** Calls onLine for each line as it arrives; resolves when the stream ends. */
function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  const decoder = new StringDecoder('utf8');
  let partial = '';
  const emit = (line: string) => onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      const lines = (partial + decoder.write(chunk)).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) emit(line);
      while (partial.length > MAX_LINE_CHARS) {
        emit(partial.slice(0, MAX_LINE_CHARS));
        partial = partial.slice(MAX_LINE_CHARS);
      }
    });
    const end = () => {
      partial += decoder.end();
      if (partial !== '') emit(partial);
      partial = '';
      resolve();
    };
    stream.once('end', end);
    stream.once('close', () => resolve());
    stream.once('error', () => resolve());
  });
}

/**
 * The first and last `limit / 2` characters of the output, as whole lines,
 * with a marker saying how much was dropped between: a 100 MiB output costs
 * no more memory than a small one.
 */
class KeptOutput {
  private readonly head: string[] = [];
  private headChars = 0;
  private headFull = false;
  private readonly tail: string[] = [];
  private tailChars = 0;
  private droppedLines = 0;
  private droppedChars = 0;

  constructor(private readonly limit: number) {}

  add(line: string): void {
    const size = line.length + 1;
    if (!this.headFull && this.headChars + size <= this.limit / 2) {
      this.head.push(line);
      this.headChars += size;
      return;
    }
    this.headFull = true;
    this.tail.push(line);
    this.tailChars += size;
    while (this.tailChars > this.limit / 2 && this.tail.length > 1) {
      const dropped = this.tail.shift()!;
      this.tailChars -= dropped.length + 1;
      this.droppedLines += 1;
      this.droppedChars += dropped.length + 1;
    }
  }

  text(): string {
    if (this.droppedLines === 0) return [...this.head, ...this.tail].join('\n');
    const marker = `[… ${this.droppedLines} lines (${this.droppedChars} characters) of output not kept: only the first and last ${Math.round(this.limit / 2 / 1024)} KiB are …]`;
    return [...this.head, marker, ...this.tail].join('\n');
  }
}

/** Stops a process group: SIGTERM, then SIGKILL if it is still there after the grace period. */
class GroupStopper {
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number | undefined,
    private readonly graceMs: number,
  ) {}

  stop(): void {
    if (this.graceTimer) return;
    this.signal('SIGTERM');
    // Not cleared when bash exits: a child that ignores SIGTERM must still
    // be killed. Unref'd so it never keeps runbook alive by itself.
    this.graceTimer = setTimeout(() => this.signal('SIGKILL'), this.graceMs).unref();
  }

  killNow(): void {
    this.signal('SIGKILL');
  }

  private signal(name: NodeJS.Signals): void {
    if (this.pid === undefined) return;
    try {
      process.kill(-this.pid, name); // negative pid: the whole group
    } catch {
      // ESRCH: the group is already gone
    }
  }
}
