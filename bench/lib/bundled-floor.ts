// A floor program started the way the program starts (bin/runbook.js): one
// CommonJS file bundled by esbuild with the PostgreSQL parser's JavaScript and
// pg in it, edited as scripts/bundle.js edits them (scripts/esbuild-patches.js),
// run from V8's code cache by the program's own loader (bin/cached-script.js)
// after a warm-up run wrote it, the parser's WASM compiled by the baseline
// compiler only. A floor loaded any slower than the program loads the same
// libraries would flatter it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Bundles `source` (CommonJS) as `dir/<name>-bundle.cjs`, warms its code cache with `warmupArgs`, and returns the
 * argv that runs it (append its own arguments after a first argument `run`). `v8Flags`: as the program sets them
 * for the same work (--liftoff-only, set before the parser's WASM is compiled; none where there is no WASM, as a
 * run loads Node's modules before it sets any: bin/runbook.js).
 */
export async function bundledFloor(opts: { dir: string; root: string; name: string; source: string; warmupArgs: string[]; v8Flags?: string[] }): Promise<string[]> {
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
  const argv = [process.execPath, ...(opts.v8Flags ?? ['--liftoff-only']), runner];
  // The warm-up does the work too, so the cache holds what the floor runs.
  const warmup = spawnSync(argv[0], [...argv.slice(1), 'write', ...opts.warmupArgs], { cwd: root });
  if (warmup.status !== 0) throw new Error(`the ${name} floor's warm-up failed: ${String(warmup.stderr)}`);
  return argv;
}
