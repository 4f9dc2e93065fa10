// The plain-mode SQL cases, each one step run by `runbook run --plain` and
// compared with psql running the same SQL file on the same server.
import { join } from 'node:path';
import { fmtMs, interleaved, paired, stats, type Sample } from '../lib/measure.js';
import { infoFigure, limitFigure, MiB, psql, ratioFigure, rss, runbook, timed, wall, type Case, type Context } from '../lib/types.js';
import { execFileSync } from 'node:child_process';
import { bundledFloor } from '../lib/bundled-floor.js';
import { BIG_RESULT_SQL, caseDir, dataFixSql, manyStatementsSql, NOTICE_STORM_SQL, sqlStepRunbook } from './files.js';

/**
 * The floor under the SQL cases: Node and pg alone, with nothing of the program
 * (no runbook, no parser, no journal, no output), loaded as the program loads pg
 * (bundled with the program's edits of pg, from a code cache: bench/lib/bundled-floor.ts).
 * It connects, sends a file's statements one by one (`each`) or the whole file as one
 * query (`whole`, counting the notices it raises), and disconnects. Whatever this
 * costs against psql, no program built on Node and pg can do better.
 */
const NODE_PG = `
const pg = require('pg');
const { readFileSync } = require('node:fs');
const [url, file, mode] = process.argv.slice(3);
module.exports.done = (async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const text = readFileSync(file, 'utf8');
  if (mode === 'each') {
    // The many-statements file is one \`SELECT n;\` per line.
    for (const statement of text.split(';').map((s) => s.trim()).filter(Boolean)) await client.query(statement);
  } else {
    let notices = 0;
    client.on('notice', () => notices++);
    await client.query(text);
  }
  await client.end();
})().catch((err) => { console.error(err.message); process.exitCode = 1; });
`;

let nodePgArgv: Promise<string[]> | undefined;

/** Node and pg alone running the same file: the least any Node program can take. Built (and its cache warmed, on `sqlFile`) once per bench. */
function nodePgFloor(ctx: Context, sqlFile: string, mode: 'each' | 'whole'): () => Promise<Sample> {
  return async () => {
    nodePgArgv ??= bundledFloor({ dir: join(ctx.root, 'dist', 'bench', 'floor'), root: ctx.root, name: 'node-pg', source: NODE_PG, warmupArgs: [ctx.url, sqlFile, mode] });
    return timed(ctx, { argv: [...(await nodePgArgv), 'run', ctx.url, sqlFile, mode] })();
  };
}

const floorFigure = (floor: Sample[], baseline: Sample[], what: string) =>
  infoFigure('floor: Node and pg alone', 'ms', wall(floor), wall(baseline), `connect, ${what}, disconnect; nothing of the program`);

function plainRun(ctx: Context, name: string, sql: string) {
  const dir = caseDir(ctx.tmp, name);
  const file = sqlStepRunbook(dir, name, sql);
  const program = runbook(ctx, ['run', file, '--db', ctx.url, '--plain', '--yes'], { stateDir: join(dir, 'state') });
  return { dir, file, sqlFile: join(dir, `${name}.sql`), program };
}

export const manyStatements: Case = {
  name: 'many-statements',
  title: 'many statements',
  compared: 'a plain-mode step of 1,000 `SELECT n;` (sent at once, in one transaction) vs `psql -X -q -v ON_ERROR_STOP=1 -f` of the same file (one by one)',
  async run(ctx) {
    const many = plainRun(ctx, 'many-statements', manyStatementsSql(1000));
    const one = plainRun(ctx, 'one-statement', manyStatementsSql(1));
    // Also a one-statement file for both, so that the cost of the 1,000 statements themselves shows apart from start-up.
    const [p, b, p1, b1, f, fw] = await interleaved(
      [timed(ctx, many.program), timed(ctx, psql(ctx, ['-f', many.sqlFile])), timed(ctx, one.program), timed(ctx, psql(ctx, ['-f', one.sqlFile])), nodePgFloor(ctx, many.sqlFile, 'each'), nodePgFloor(ctx, many.sqlFile, 'whole')],
      ctx,
      ([a, c, d, e, g, h]) => `runbook ${fmtMs(a.wallMs)} (1 statement: ${fmtMs(d.wallMs)}) · psql ${fmtMs(c.wallMs)} (1 statement: ${fmtMs(e.wallMs)}) · Node and pg alone ${fmtMs(g.wallMs)} (as one query: ${fmtMs(h.wallMs)})`,
    );
    const marginal = (xs: Sample[], ys: Sample[]) => xs.map((x, i) => x.wallMs - ys[i].wallMs);
    return {
      status: 'measured',
      figures: [
        ratioFigure('wall', 'ms', wall(p), wall(b), 1.0),
        infoFigure('wall of the 1,000 statements beyond one', 'ms', marginal(p, p1), marginal(b, b1), `start-up: a one-statement step ${fmtMs(stats(wall(p1)).median)}, psql ${fmtMs(stats(wall(b1)).median)}`),
        floorFigure(f, b, 'the 1,000 statements one by one'),
        // The program sends them at once (pipeline.ts): the least a Node program can do is one query holding them all.
        floorFigure(fw, b, 'the 1,000 statements as one query'),
      ],
    };
  },
};

export const bigResult: Case = {
  name: 'big-result',
  title: 'big result',
  compared: 'a step returning 1,000,000 rows (generate_series, md5) vs `psql -X -q -f … > /dev/null`',
  async run(ctx) {
    const { program, sqlFile } = plainRun(ctx, 'big-result', BIG_RESULT_SQL);
    const r = await paired(timed(ctx, program), timed(ctx, psql(ctx, ['-f', sqlFile])), ctx);
    return {
      status: 'measured',
      figures: [ratioFigure('wall', 'ms', wall(r.program), wall(r.baseline), 1.0), ratioFigure('peak memory', 'KiB', rss(r.program), rss(r.baseline), 1.0)],
    };
  },
};

export const noticeStorm: Case = {
  name: 'notice-storm',
  title: 'notice storm',
  compared: 'a DO block raising 100,000 notices vs psql (notices to /dev/null)',
  async run(ctx) {
    const { program, sqlFile } = plainRun(ctx, 'notice-storm', NOTICE_STORM_SQL);
    const [p, b, f] = await interleaved(
      [timed(ctx, program), timed(ctx, psql(ctx, ['-f', sqlFile])), nodePgFloor(ctx, sqlFile, 'whole')],
      ctx,
      ([a, c, d]) => `runbook ${fmtMs(a.wallMs)} ${Math.round(a.maxRssKiB / MiB)} MiB · psql ${fmtMs(c.wallMs)} · Node and pg alone ${fmtMs(d.wallMs)}`,
    );
    return {
      status: 'measured',
      figures: [ratioFigure('wall', 'ms', wall(p), wall(b), 1.5), limitFigure('peak memory', 'KiB', rss(p), 150 * MiB, '< 150 MiB', rss(b)), floorFigure(f, b, 'the DO block, its notices counted')],
    };
  },
};

export const dataFix: Case = {
  name: 'data-fix',
  title: 'data fix',
  compared: 'a plain-mode step running a 100,000-statement file of INSERTs (sent at once, in one transaction) vs `psql -X -q -v ON_ERROR_STOP=1 -f` of the same file',
  async run(ctx) {
    const { program, sqlFile } = plainRun(ctx, 'data-fix', dataFixSql(100_000));
    // The table both fill; it grows by the same rows on each side, run after run.
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'DROP TABLE IF EXISTS bench_fix; CREATE TABLE bench_fix (id int NOT NULL, account text NOT NULL, amount numeric(12,2), note text)', ctx.url], { stdio: 'ignore' });
    const [p, b, f] = await interleaved(
      [timed(ctx, program), timed(ctx, psql(ctx, ['-f', sqlFile])), nodePgFloor(ctx, sqlFile, 'whole')],
      ctx,
      ([a, c, d]) => `runbook ${fmtMs(a.wallMs)} ${Math.round(a.maxRssKiB / MiB)} MiB · psql ${fmtMs(c.wallMs)} · Node and pg alone ${fmtMs(d.wallMs)} ${Math.round(d.maxRssKiB / MiB)} MiB`,
    );
    return {
      status: 'measured',
      figures: [
        ratioFigure('wall', 'ms', wall(p), wall(b), 1.0),
        limitFigure('peak memory', 'KiB', rss(p), 150 * MiB, '< 150 MiB', rss(b)),
        floorFigure(f, b, 'the 100,000 INSERTs as one query (one implicit transaction)'),
        infoFigure('floor: Node and pg alone, peak memory', 'KiB', rss(f), rss(b), 'the same run: the file read, sent and answered, nothing of the program'),
      ],
    };
  },
};
