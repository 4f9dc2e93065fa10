// many steps: a runbook of 500 trivial SQL steps, each with a check, in plain
// mode. The program's own time per step is what the run costs beyond starting
// up and beyond the server's work:
//
//   own/step = (wall(500 steps) − wall(1 step)) / 499  −  psql(the same 1,000 statements) / 500
//
// wall(1 step) takes out start-up (loading, connecting, the lock, the journal
// header); psql running the same statements (each step's SELECT and its
// check's SELECT) over one connection takes out the round trips and the
// server's time. What is left is the program's per-step work: the engine,
// the journal (including its fsyncs), checks, printing. The process CPU time
// per step, (cpu(500) − cpu(1)) / 499, is shown too.
import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runTimed, stats, type Sample } from '../lib/measure.js';
import { psql, runbook, type Case } from '../lib/types.js';
import { caseDir, manyStepsRunbook, manyStepsSql } from './files.js';

const STEPS = 500;

/** What one journal fsync costs on the disk the state folder is on (the journal does one per step). */
function fsyncMs(dir: string): number {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      writeSync(fd, `${'x'.repeat(200)}\n`);
      const t0 = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return stats(times).median;
}
const LIMIT_MS = 2;

export const manySteps: Case = {
  name: 'many-steps',
  title: 'many steps',
  compared: `a runbook of ${STEPS} trivial steps with a check each, plain mode (own time per step)`,
  async run(ctx) {
    const dir = caseDir(ctx.tmp, 'many-steps');
    const big = manyStepsRunbook(dir, STEPS);
    const one = manyStepsRunbook(dir, 1);
    const sql = manyStepsSql(dir, STEPS);
    const cmds = {
      big: runbook(ctx, ['run', big, '--db', ctx.url, '--plain', '--yes'], { stateDir: join(dir, 'state') }),
      one: runbook(ctx, ['run', one, '--db', ctx.url, '--plain', '--yes'], { stateDir: join(dir, 'state') }),
      psql: psql(ctx, ['-f', sql]),
    };
    const run = (k: keyof typeof cmds) => runTimed(cmds[k], ctx.tmp);
    for (let i = 0; i < ctx.warmup; i++) for (const k of ['big', 'one', 'psql'] as const) await run(k);
    const own: number[] = [];
    const cpu: number[] = [];
    const raw: Record<string, Sample[]> = { big: [], one: [], psql: [] };
    for (let i = 0; i < ctx.runs; i++) {
      const order = (['big', 'one', 'psql'] as const).slice();
      if (i % 2) order.reverse();
      for (const k of order) raw[k].push(await run(k));
      const [b, o, p] = [raw.big[i], raw.one[i], raw.psql[i]];
      own.push((b.wallMs - o.wallMs) / (STEPS - 1) - p.wallMs / STEPS);
      cpu.push((b.cpuMs - o.cpuMs) / (STEPS - 1));
      ctx.log(`    run ${i + 1}/${ctx.runs}: ${STEPS} steps ${Math.round(b.wallMs)} ms · 1 step ${Math.round(o.wallMs)} ms · psql ${Math.round(p.wallMs)} ms → own ${own[i].toFixed(2)} ms/step`);
    }
    const ownStats = stats(own);
    return {
      status: 'measured',
      figures: [
        { metric: 'own time per step', unit: 'ms', program: ownStats, target: `< ${LIMIT_MS} ms`, ok: ownStats.median < LIMIT_MS, note: `one journal fsync on this disk: ${fsyncMs(join(dir, 'state')).toFixed(2)} ms (one per step); ${STEPS}-step run ${Math.round(stats(raw.big.map((s) => s.wallMs)).median)} ms, 1-step run ${Math.round(stats(raw.one.map((s) => s.wallMs)).median)} ms, psql ${Math.round(stats(raw.psql.map((s) => s.wallMs)).median)} ms` },
        { metric: 'CPU per step', unit: 'ms', program: stats(cpu), target: '(no target)', ok: true },
      ],
    };
  },
};
