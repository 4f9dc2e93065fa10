// Measuring whole processes: wall time (our own clock around the spawn), CPU
// time and peak memory (GNU time's report on the child), repeated after a
// warm-up and summarised as median, min and max. Nothing here knows about
// runbook; the cases say what to run.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

/** One process to run. */
export interface Cmd {
  argv: string[];
  env?: Record<string, string>;
  /** Variables of the bench's own environment that this process starts without. */
  unset?: string[];
  cwd?: string;
  /** Where stdout goes: /dev/null unless a file is named. stderr is kept (bounded) for error messages, or dropped. */
  stdout?: string;
  stderr?: 'keep' | 'null';
  /** Exit codes that count as a good run (default [0]). */
  okExit?: number[];
}

export interface Sample {
  wallMs: number;
  /** User + system CPU time of the process (10 ms resolution). */
  cpuMs: number;
  /** Peak resident memory, KiB. */
  maxRssKiB: number;
  exitCode: number;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export class RunFailed extends Error {}

let seq = 0;

/** Runs one command under GNU time; rejects if it exits with a code not in okExit. */
export function runTimed(cmd: Cmd, tmpDir: string): Promise<Sample> {
  const report = join(tmpDir, `time-${process.pid}-${++seq}.txt`);
  const out = openSync(cmd.stdout ?? '/dev/null', 'w');
  const env = { ...process.env, ...cmd.env };
  for (const name of cmd.unset ?? []) delete env[name];
  const t0 = performance.now();
  const child = spawn(GNU_TIME, ['-f', '%e %U %S %M %x', '-o', report, ...cmd.argv], {
    cwd: cmd.cwd,
    env,
    stdio: ['ignore', out, cmd.stderr === 'null' ? 'ignore' : 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      closeSync(out);
      reject(err);
    });
    child.once('close', () => {
      const wallMs = performance.now() - t0;
      closeSync(out);
      const text = existsSync(report) ? readFileSync(report, 'utf8') : '';
      rmSync(report, { force: true });
      const last = text.trim().split('\n').pop() ?? '';
      const [, user, sys, rss, code] = last.split(' ').map(Number);
      if (!Number.isFinite(rss)) return reject(new RunFailed(`${cmd.argv.join(' ')}: no report from GNU time (${text.trim() || 'empty'})`));
      const sample: Sample = { wallMs, cpuMs: (user + sys) * 1000, maxRssKiB: rss, exitCode: code };
      if (!(cmd.okExit ?? [0]).includes(code)) {
        return reject(new RunFailed(`${cmd.argv.join(' ')} exited with ${code}${stderr ? `:\n${tail(stderr, 20)}` : ''}`));
      }
      resolve(sample);
    });
  });
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface Paired {
  program: Sample[];
  baseline: Sample[];
}

export interface Repeat {
  runs: number;
  warmup: number;
  log: (line: string) => void;
}

/**
 * Runs program and baseline alternately (A B, then B A, ...) so that a machine
 * getting busier or quieter during the run affects both sides alike.
 */
export async function paired(program: () => Promise<Sample>, baseline: () => Promise<Sample>, r: Repeat): Promise<Paired> {
  const result: Paired = { program: [], baseline: [] };
  for (let i = 0; i < r.warmup; i++) {
    await program();
    await baseline();
  }
  for (let i = 0; i < r.runs; i++) {
    const order: [Sample[], () => Promise<Sample>][] = [
      [result.program, program],
      [result.baseline, baseline],
    ];
    if (i % 2) order.reverse();
    for (const [into, run] of order) into.push(await run());
    const p = result.program[i];
    const b = result.baseline[i];
    const mem = (s: Sample) => (Number.isFinite(s.maxRssKiB) ? ` ${fmtMiB(s.maxRssKiB)}` : '');
    r.log(`    run ${i + 1}/${r.runs}: runbook ${fmtMs(p.wallMs)}${mem(p)} · baseline ${fmtMs(b.wallMs)}${mem(b)}`);
  }
  return result;
}

export async function repeated(run: () => Promise<Sample>, r: Repeat): Promise<Sample[]> {
  for (let i = 0; i < r.warmup; i++) await run();
  const samples: Sample[] = [];
  for (let i = 0; i < r.runs; i++) {
    const s = await run();
    samples.push(s);
    r.log(`    run ${i + 1}/${r.runs}: ${fmtMs(s.wallMs)} ${fmtMiB(s.maxRssKiB)}`);
  }
  return samples;
}

export function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtMiB(kib: number): string {
  if (!Number.isFinite(kib)) return '—';
  return `${(kib / 1024).toFixed(kib >= 100 * 1024 ? 0 : 1)} MiB`;
}

/** Runs several commands in turn, each round in a rotated order; returns each one's samples. */
export async function interleaved(runs: (() => Promise<Sample>)[], r: Repeat, label: (round: Sample[]) => string): Promise<Sample[][]> {
  const out: Sample[][] = runs.map(() => []);
  for (let i = 0; i < r.warmup; i++) for (const run of runs) await run();
  for (let i = 0; i < r.runs; i++) {
    const round: Sample[] = [];
    for (let k = 0; k < runs.length; k++) {
      const j = (k + i) % runs.length;
      round[j] = await runs[j]();
    }
    round.forEach((s, j) => out[j].push(s));
    r.log(`    run ${i + 1}/${r.runs}: ${label(round)}`);
  }
  return out;
}
