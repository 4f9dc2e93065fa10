// cold start: `runbook validate runbooks/*.yaml` against `node -e 0`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_WASM, bundledFloor } from '../lib/bundled-floor.js';
import { fmtMs, interleaved } from '../lib/measure.js';
import { infoFigure, ratioFigure, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir } from './files.js';

/**
 * The floors' program. With no files: load what validating needs at all. With
 * runbook files: also the least work validating them takes with those
 * libraries, read each with js-yaml and pass its SQL (every \`sql:\` text and
 * \`sql_file:\` file) through PostgreSQL's parser; no schema, no lint, no
 * placeholders (a text the parser refuses costs about what one it accepts does).
 */
const FLOOR = `
const { readFileSync } = require('node:fs');
const { dirname, resolve } = require('node:path');
require('zod');
require('commander');
const yaml = require('js-yaml');
const parser = require('libpg-query');
const files = process.argv.slice(3);
function sqlOf(file) {
  const found = [];
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) {
      if (k === 'sql' && typeof x === 'string') found.push(x);
      else if (k === 'sql_file' && typeof x === 'string') found.push(readFileSync(resolve(dirname(file), x), 'utf8'));
      else walk(x);
    }
  };
  walk(yaml.load(readFileSync(file, 'utf8')));
  return found;
}
${BASELINE_WASM}
module.exports.loaded = parser.loadModule().then(() => {
  for (const file of files) for (const sql of sqlOf(file)) {
    try { parser.parseSync(sql); } catch {}
  }
});
`;

export const coldStart: Case = {
  name: 'cold-start',
  title: 'cold start',
  compared: '`runbook validate runbooks/*.yaml` vs `node -e 0`',
  async run(ctx) {
    const files = readdirSync(join(ctx.root, 'runbooks'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => join('runbooks', f));
    // Exit 1 means validate found problems in a runbook: still a full validation, so still measured.
    const program = runbook(ctx, ['validate', ...files], { stateDir: join(caseDir(ctx.tmp, 'cold-start'), 'state'), cwd: ctx.root, okExit: [0, 1] });
    // The floors: loading what validating needs at all (zod, js-yaml, commander, the PostgreSQL parser's WASM,
    // compiled as the program compiles it), then that and the least work validating the runbooks takes.
    const floorArgv = await bundledFloor({ dir: join(ctx.root, 'dist', 'bench', 'floor'), root: ctx.root, name: 'floor', source: FLOOR, warmupArgs: files });
    const floor = { argv: [...floorArgv, 'run'], cwd: ctx.root };
    const work = { argv: [...floorArgv, 'run', ...files], cwd: ctx.root };
    const [p, b, f, w] = await interleaved(
      [timed(ctx, program), timed(ctx, { argv: [process.execPath, '-e', '0'] }), timed(ctx, floor), timed(ctx, work)],
      ctx,
      ([a, c, d, e]) => `validate ${fmtMs(a.wallMs)} · node -e 0 ${fmtMs(c.wallMs)} · libraries alone ${fmtMs(d.wallMs)} · and the YAML and SQL read ${fmtMs(e.wallMs)}`,
    );
    const failing = p.some((s) => s.exitCode !== 0);
    return {
      status: 'measured',
      figures: [
        ratioFigure('wall', 'ms', wall(p), wall(b), 2.5, `${files.length} runbooks${failing ? '; validate reported problems in one of them' : ''}`),
        infoFigure('floor: loading the libraries only', 'ms', wall(f), wall(b), 'zod, js-yaml, commander and the PostgreSQL parser (WASM) loaded, bundled and code-cached as the program is, nothing validated'),
        infoFigure('floor: and the least work', 'ms', wall(w), wall(b), 'the same, and each runbook read with js-yaml and its SQL (sql: texts, sql_file: files) passed through the parser; no schema, no lint'),
      ],
    };
  },
};
