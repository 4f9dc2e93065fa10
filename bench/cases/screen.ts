// The screen, for real: the program in a detached tmux session (120×40),
// watched with capture-pane. Reports "not available" when the screen cannot
// be shown (no tmux, or the screen is not built).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GNU_TIME, paired, runTimed, RunFailed, type Sample } from '../lib/measure.js';
import { infoFigure, limitFigure, MiB, psql, ratioFigure, rss, wall, type Case, type CaseResult, type Context, type Figure } from '../lib/types.js';
import { haveTmux, sh, startScreen, tmux, waitForFile } from '../lib/tmux.js';
import { stats } from '../lib/measure.js';
import { BIG_RESULT_SQL, caseDir, NOTICE_STORM_SQL, sqlStepRunbook } from './files.js';

/** The controller's cap: at most one frame per 50 ms. */
const FRAME_CAP_PER_S = 20;

class NotAvailable extends Error {}

async function screenAvailable(ctx: Context): Promise<string | null> {
  if (!(await haveTmux())) return 'tmux is not installed (apt-get install -y tmux)';
  if (!existsSync(join(ctx.root, 'dist/src/tui/index.js'))) return 'the screen (src/tui) is not built yet';
  return null;
}

const runbookCommand = (ctx: Context, args: string[]) => [process.execPath, join(ctx.root, 'bin/runbook.js'), ...args].map(sh).join(' ');

/** A shipped runbook that loads, with values for its inputs that have no default. */
async function shippedRunbook(ctx: Context): Promise<{ file: string; title: string; firstStep: string; inputs: string[] }> {
  const { loadRunbook } = await import('../../src/runbook/load.js');
  const files = readdirSync(join(ctx.root, 'runbooks')).filter((f) => f.endsWith('.yaml')).sort();
  for (const f of files) {
    const loaded = await loadRunbook(join(ctx.root, 'runbooks', f));
    if (!loaded.ok) continue;
    const rb = loaded.runbook;
    const inputs = Object.entries(rb.inputs)
      .filter(([, spec]) => spec.default === undefined && spec.required !== false)
      .map(([name, spec]) => `${name}=${spec.type === 'path' ? join(ctx.tmp, 'screen-start') : spec.type === 'integer' || spec.type === 'number' ? String(spec.min ?? 1) : spec.type === 'boolean' ? 'false' : (spec.choices?.[0] ?? 'x')}`);
    return { file: join('runbooks', f), title: rb.title, firstStep: rb.steps[0].title, inputs };
  }
  throw new NotAvailable('no shipped runbook validates');
}

export const screenStart: Case = {
  name: 'screen-start',
  title: 'screen start',
  compared: 'time to the first full frame (header and step list) on a shipped runbook, in tmux, vs `node -e 0` in tmux',
  async run(ctx) {
    const why = await screenAvailable(ctx);
    if (why) return { status: 'not available', figures: [], note: why };
    const dir = caseDir(ctx.tmp, 'screen-start');
    let rb;
    try {
      rb = await shippedRunbook(ctx);
    } catch (e) {
      if (e instanceof NotAvailable) return { status: 'not available', figures: [], note: e.message };
      throw e;
    }
    // The header (title), the step list heading and the first step, as far as a 120-column screen shows them.
    const frameDrawn = (screen: string) => screen.includes(rb.title.slice(0, 24)) && /Steps/.test(screen) && screen.includes(rb.firstStep.slice(0, 16));
    let n = 0;
    let lastScreen = '';
    const program = async (): Promise<Sample> => {
      const stateDir = join(dir, `state-${++n}`);
      const s = await startScreen(`${runbookCommand(ctx, ['run', rb.file, '--db', ctx.url, ...rb.inputs.flatMap((i) => ['--input', i])])}; sleep 60`, { RUNBOOK_STATE_DIR: stateDir }, ctx.root);
      try {
        const drawn = await s.waitFor(frameDrawn, 30_000);
        if (!drawn) {
          lastScreen = await s.screen();
          throw new NotAvailable(`no full frame within 30 s; the screen showed:\n${lastScreen.trim().split('\n').slice(0, 12).join('\n')}`);
        }
        return { wallMs: drawn.ms, cpuMs: NaN, maxRssKiB: NaN, exitCode: 0 };
      } finally {
        await s.kill();
        rmSync(stateDir, { recursive: true, force: true });
      }
    };
    const baseline = async (): Promise<Sample> => {
      const s = await startScreen(`${sh(process.execPath)} -e 0; echo BENCH-READY; sleep 60`, {}, ctx.root);
      try {
        const drawn = await s.waitFor((screen) => screen.includes('BENCH-READY'), 30_000);
        if (!drawn) throw new RunFailed('node -e 0 did not finish in tmux within 30 s');
        return { wallMs: drawn.ms, cpuMs: NaN, maxRssKiB: NaN, exitCode: 0 };
      } finally {
        await s.kill();
      }
    };
    try {
      const r = await paired(program, baseline, ctx);
      return { status: 'measured', figures: [ratioFigure('wall to first frame', 'ms', wall(r.program), wall(r.baseline), 5, `${rb.file}; both polled with capture-pane every 5 ms`)] };
    } catch (e) {
      if (e instanceof NotAvailable) return { status: 'not available', figures: [], note: e.message };
      throw e;
    }
  },
};

interface ScreenSample extends Sample {
  framesPerS: number;
}

/** Runs a one-step runbook on the screen to its end; wall to "Run succeeded", peak memory from GNU time after q. */
async function screenRun(ctx: Context, dir: string, file: string, i: number): Promise<ScreenSample> {
  const report = join(dir, `time-${i}.txt`);
  const raw = join(dir, `pane-${i}.raw`);
  rmSync(report, { force: true });
  const command = `${sh(GNU_TIME)} -f '%e %U %S %M %x' -o ${sh(report)} ${runbookCommand(ctx, ['run', file, '--db', ctx.url, '--auto'])}; sleep 600`;
  const s = await startScreen(command, { RUNBOOK_STATE_DIR: join(dir, 'state') }, ctx.root);
  try {
    await tmux('pipe-pane', '-t', s.name, '-o', `cat > ${sh(raw)}`);
    const ended = await s.waitFor((screen) => /Run (succeeded|failed|aborted|stopped)/.test(screen), 600_000, 25);
    if (!ended) throw new RunFailed(`the run did not end on the screen within 10 minutes:\n${(await s.screen()).trim()}`);
    if (!/Run succeeded/.test(ended.screen)) throw new RunFailed(`the run did not succeed on the screen:\n${ended.screen.trim()}`);
    await s.keys('q');
    let text = await waitForFile(report, 10_000);
    if (!text) {
      await s.keys('C-c');
      text = await waitForFile(report, 5_000);
    }
    if (!text) throw new RunFailed(`the screen did not exit after q:\n${(await s.screen()).trim()}`);
    const [, user, sys, maxRss, code] = text.trim().split('\n').pop()!.split(' ').map(Number);
    const bytes = existsSync(raw) ? readFileSync(raw, 'latin1') : '';
    const frames = Math.max(bytes.split('\x1b[?2026h').length - 1, bytes.split('\x1b[G').length - 1);
    return { wallMs: ended.ms, cpuMs: (user + sys) * 1000, maxRssKiB: maxRss, exitCode: code, framesPerS: frames / (ended.ms / 1000) };
  } finally {
    await s.kill();
    rmSync(raw, { force: true });
  }
}

/** The screen's own memory: the same run of a step that returns one row (an info figure beside the big result). */
const ONE_ROW_SQL = 'SELECT 1 AS n;\n';

function screenHeavy(name: string, title: string, sql: string, figures: (r: { program: ScreenSample[]; baseline: Sample[]; oneRow: ScreenSample[] }) => Figure[], withOneRow = false): Case {
  return {
    name,
    title,
    compared: `the ${title.replace(/^screen: /, '')} case on the screen (tmux 120×40) vs psql`,
    async run(ctx): Promise<CaseResult> {
      const why = await screenAvailable(ctx);
      if (why) return { status: 'not available', figures: [], note: why };
      const dir = caseDir(ctx.tmp, name);
      const file = sqlStepRunbook(dir, name, sql);
      let i = 0;
      const program: ScreenSample[] = [];
      const r = await paired(
        async () => {
          const s = await screenRun(ctx, dir, file, ++i);
          program.push(s);
          return s;
        },
        () => runTimed(psql(ctx, ['-f', join(dir, `${name}.sql`)]), ctx.tmp),
        ctx,
      );
      const measured = program.slice(ctx.warmup);
      const oneRow: ScreenSample[] = [];
      if (withOneRow) {
        const small = sqlStepRunbook(dir, `${name}-one-row`, ONE_ROW_SQL);
        for (let k = 0; k < ctx.runs; k++) oneRow.push(await screenRun(ctx, dir, small, 1000 + k));
      }
      return { status: 'measured', figures: figures({ program: measured, baseline: r.baseline, oneRow }) };
    },
  };
}

const frameFigure = (p: ScreenSample[]): Figure => {
  const fps = stats(p.map((s) => s.framesPerS));
  return { metric: 'frames per second', unit: '/s', program: fps, target: `≤ ${FRAME_CAP_PER_S}/s`, ok: fps.max <= FRAME_CAP_PER_S * 1.05, note: 'frames counted in the terminal output (synchronized-update marks)' };
};

export const screenBigResult = screenHeavy(
  'screen-big-result',
  'screen: big result',
  BIG_RESULT_SQL,
  (r) => [
    ratioFigure('wall', 'ms', wall(r.program), wall(r.baseline), 1.0),
    ratioFigure('peak memory', 'KiB', rss(r.program), rss(r.baseline), 1.0),
    infoFigure('peak memory of the screen running a one-row step', 'KiB', rss(r.oneRow), rss(r.baseline), 'React, Ink and Yoga with nothing to show, against psql with the million rows'),
    frameFigure(r.program),
  ],
  true,
);

export const screenNoticeStorm = screenHeavy(
  'screen-notice-storm',
  'screen: notice storm',
  NOTICE_STORM_SQL,
  (r) => [
    ratioFigure('wall', 'ms', wall(r.program), wall(r.baseline), 1.5),
    infoFigure('wall of the screen running a one-row step', 'ms', wall(r.oneRow), wall(r.baseline), 'start, connect, draw, one row, "Run succeeded": against psql with the 100,000 notices'),
    limitFigure('peak memory', 'KiB', rss(r.program), 150 * MiB, '< 150 MiB', rss(r.baseline)),
    frameFigure(r.program),
  ],
  true,
);
