// A floor program started the way the program starts (bin/runbook.js): one
// CommonJS file bundled by esbuild with the PostgreSQL parser's JavaScript and
// pg in it, edited as scripts/bundle.js edits them (scripts/esbuild-patches.js),
// run from V8's code cache by the program's own loader (bin/cached-script.js)
// after a warm-up run wrote it, the parser's WASM compiled by the baseline
// compiler only (BASELINE_WASM). A floor loaded any slower than the program
// loads the same libraries would flatter it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * For a floor's source, just before it loads the parser's WASM: V8's baseline compiler only, set then as the
 * program sets it (src/sql/wasm-compiler.ts), and not in the warm-up, whose cache is read before any flag is set.
 */
export const BASELINE_WASM = `if (process.argv[2] !== 'write') require('node:v8').setFlagsFromString('--liftoff-only');`;

/**
 * Bundles `source` (CommonJS) as `dir/<name>-bundle.cjs`, warms its code cache with `warmupArgs`, and returns the
 * argv that runs it (append its own arguments after a first argument `run`).
 */
export async function bundledFloor(opts: { dir: string; root: string; name: string; source: string; warmupArgs: string[] }): Promise<string[]> {
  const { dir, root, name } = opts;
  const { build } = await import('esbuild');
  const patches = (await import(pathToFileURL(join(root, 'scripts', 'esbuild-patches.js')).href)) as { libpgQueryBundled: import('esbuild').Plugin; pgPatches: import('esbuild').Plugin[] };
  const entry = join(dir, `${name}-entry.cjs`);
  const out = join(dir, `${name}-bundle.cjs`);
  // CommonJS, as bin/runbook.js is (an ES module entry starts Node's ES module loader first).
  const runner = join(dir, `${name}-run.cjs`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(entry, opts.source);
  // The floor lives in the repository's dist/, where the parser's package resolves as the program's own does.
  await build({ entryPoints: [entry], outfile: out, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', nodePaths: [join(root, 'node_modules')], plugins: [patches.libpgQueryBundled, ...patches.pgPatches] });
  writeFileSync(
    runner,
    `require(${JSON.stringify(join(root, 'bin', 'cached-script.js'))}).runCached(${JSON.stringify(out)}, { writeCache: process.argv[2] === 'write' });`,
  );
  const argv = [process.execPath, runner];
  // The warm-up does the work too, so the cache holds what the floor runs.
  const warmup = spawnSync(argv[0], [...argv.slice(1), 'write', ...opts.warmupArgs], { cwd: root });
  if (warmup.status !== 0) throw new Error(`the ${name} floor's warm-up failed: ${String(warmup.stderr)}`);
  return argv;
}
