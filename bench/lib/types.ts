// What a benchmark case is, what it reports, and the helpers every case uses
// to run the program and psql.
import { join } from 'node:path';
import type { Cmd, Sample, Stats } from './measure.js';
import { runTimed, stats } from './measure.js';

export interface Context {
  /** The repository root (where bin/runbook.js is). */
  root: string;
  /** A temp folder for this bench run: generated runbooks, SQL, state dirs. */
  tmp: string;
  /** The PostgreSQL the program and psql both use. */
  url: string;
  runs: number;
  warmup: number;
  log: (line: string) => void;
  /** What a previous case learned that a later one needs (psql's peak memory on the big result). */
  shared: Map<string, number>;
}

export interface Figure {
  metric: string;
  unit: 'ms' | 'KiB' | '/s';
  program: Stats;
  baseline?: Stats;
  /** program.median / baseline.median, when the target is a ratio. */
  ratio?: number;
  target: string;
  ok: boolean;
  note?: string;
}

export interface CaseResult {
  status: 'measured' | 'not available' | 'error';
  figures: Figure[];
  note?: string;
}

export interface Case {
  /** For `npm run bench -- --case NAME`. */
  name: string;
  title: string;
  /** What is compared with what, for the table. */
  compared: string;
  run(ctx: Context): Promise<CaseResult>;
}

/** `node bin/runbook.js ARGS`, with its own state folder (journals, index). */
export function runbook(ctx: Context, args: string[], extra: Partial<Cmd> & { stateDir: string }): Cmd {
  const { stateDir, ...rest } = extra;
  return { argv: [process.execPath, join(ctx.root, 'bin/runbook.js'), ...args], ...rest, env: { RUNBOOK_STATE_DIR: stateDir, NO_COLOR: '1', ...rest.env } };
}

export function psql(ctx: Context, args: string[], extra: Partial<Cmd> = {}): Cmd {
  return { argv: ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, ctx.url], stderr: 'null', ...extra };
}

export const timed = (ctx: Context, cmd: Cmd) => (): Promise<Sample> => runTimed(cmd, ctx.tmp);

/** A figure that compares medians: ratio of the program's to the baseline's, against a limit. */
export function ratioFigure(metric: string, unit: Figure['unit'], program: number[], baseline: number[], limit: number, note?: string): Figure {
  const p = stats(program);
  const b = stats(baseline);
  const ratio = p.median / b.median;
  return { metric, unit, program: p, baseline: b, ratio, target: `≤ ${limit}×`, ok: ratio <= limit, ...(note ? { note } : {}) };
}

/** A ratio with no target, shown to explain another figure (a floor, a part of a run). */
export function infoFigure(metric: string, unit: Figure['unit'], program: number[], baseline: number[], note: string): Figure {
  return { ...ratioFigure(metric, unit, program, baseline, Infinity), target: '(info)', ok: true, note };
}

/** A figure against an absolute limit (the baseline is shown for scale). */
export function limitFigure(metric: string, unit: Figure['unit'], program: number[], limit: number, targetText: string, baseline?: number[], note?: string): Figure {
  const p = stats(program);
  return { metric, unit, program: p, ...(baseline ? { baseline: stats(baseline), ratio: p.median / stats(baseline).median } : {}), target: targetText, ok: p.median < limit, ...(note ? { note } : {}) };
}

export const MiB = 1024; // KiB per MiB

export const wall = (s: Sample[]) => s.map((x) => x.wallMs);
export const rss = (s: Sample[]) => s.map((x) => x.maxRssKiB);
export const cpu = (s: Sample[]) => s.map((x) => x.cpuMs);
