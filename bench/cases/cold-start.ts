// cold start: `runbook validate runbooks/*.yaml` against `node -e 0`.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, interleaved } from '../lib/measure.js';
import { ratioFigure, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir } from './files.js';

const FLOOR = "await Promise.all([import('zod'), import('js-yaml'), import('commander'), import('libpg-query').then((m) => m.loadModule())]);";

/**
 * The floor as the program loads it: those imports bundled into one file the
 * way scripts/bundle.js bundles the command line, the parser's WASM compiled
 * with the baseline compiler only.
 */
async function bundledFloor(dir: string, root: string): Promise<string> {
  const { build } = await import('esbuild');
  const entry = join(dir, 'floor-entry.mjs');
  const out = join(dir, 'floor-bundle.mjs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(entry, FLOOR);
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    nodePaths: [join(root, 'node_modules')],
    external: ['libpg-query'],
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  return out;
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
    const floorFile = await bundledFloor(join(ctx.root, 'dist', 'bench', 'floor'), ctx.root);
    const floor = { argv: [process.execPath, '--liftoff-only', floorFile], cwd: ctx.root };
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
        { ...ratioFigure('floor: loading the libraries only', 'ms', wall(f), wall(b), Infinity), target: '(info)', ok: true, note: 'zod, js-yaml, commander and the PostgreSQL parser (WASM) imported, bundled as the program is, nothing validated' },
      ],
    };
  },
};
