// cold start: `runbook validate runbooks/*.yaml` against `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtMs, interleaved } from '../lib/measure.js';
import { ratioFigure, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir } from './files.js';

const FLOOR = "module.exports.loaded = Promise.all([require('zod'), require('js-yaml'), require('commander'), require('libpg-query').loadModule()]);";

/**
 * The floor as the program loads it: those libraries bundled into one
 * CommonJS file the way scripts/bundle.js bundles the command line, run from
 * V8's code cache by the program's own loader (bin/cached-script.js) after a
 * warm-up run wrote it, the parser's WASM compiled with the baseline compiler only.
 */
async function bundledFloor(dir: string, root: string): Promise<string[]> {
  const { build } = await import('esbuild');
  const entry = join(dir, 'floor-entry.cjs');
  const out = join(dir, 'floor-bundle.cjs');
  const runner = join(dir, 'floor-run.mjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(entry, FLOOR);
  await build({ entryPoints: [entry], outfile: out, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', nodePaths: [join(root, 'node_modules')], external: ['libpg-query'] });
  writeFileSync(
    runner,
    `import { runCached } from ${JSON.stringify(pathToFileURL(join(root, 'bin', 'cached-script.js')).href)};
await runCached(${JSON.stringify(out)}, { writeCache: process.argv[2] === 'write' }).loaded;`,
  );
  const argv = [process.execPath, '--liftoff-only', runner];
  const warmup = spawnSync(argv[0], [...argv.slice(1), 'write'], { cwd: root });
  if (warmup.status !== 0) throw new Error(`the floor's warm-up failed: ${String(warmup.stderr)}`);
  return argv;
}

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
    // The floor: only loading what validating needs at all (zod, js-yaml, commander, the PostgreSQL parser's WASM,
    // compiled as the program compiles it), nothing run.
    // libpg-query stays outside the bundle (it finds its .wasm next to itself), so the bundle lives in the
    // repository's dist/, where `import 'libpg-query'` resolves as the program's own does.
    const floor = { argv: await bundledFloor(join(ctx.root, 'dist', 'bench', 'floor'), ctx.root), cwd: ctx.root };
    const [p, b, f] = await interleaved(
      [timed(ctx, program), timed(ctx, { argv: [process.execPath, '-e', '0'] }), timed(ctx, floor)],
      ctx,
      ([a, c, d]) => `validate ${fmtMs(a.wallMs)} · node -e 0 ${fmtMs(c.wallMs)} · libraries alone ${fmtMs(d.wallMs)}`,
    );
    const failing = p.some((s) => s.exitCode !== 0);
    return {
      status: 'measured',
      figures: [
        ratioFigure('wall', 'ms', wall(p), wall(b), 3, `${files.length} runbooks${failing ? '; validate reported problems in one of them' : ''}`),
        { ...ratioFigure('floor: loading the libraries only', 'ms', wall(f), wall(b), Infinity), target: '(info)', ok: true, note: 'zod, js-yaml, commander and the PostgreSQL parser (WASM) loaded, bundled and code-cached as the program is, nothing validated' },
      ],
    };
  },
};
