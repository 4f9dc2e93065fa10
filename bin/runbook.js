#!/usr/bin/env node
// Entry point: the CLI, bundled into one CommonJS file with V8's code cache
// for it (npm install builds both: see scripts/bundle.js). CommonJS itself
// (bin/package.json): an ES module entry starts Node's ES module loader first,
// ~10 ms more CPU of every command's start (and ~25 ms wall at load 4).
'use strict';
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { runCached } = require('./cached-script.js');

const [command, ...rest] = process.argv.slice(2);
const isRun = ['run', 'resume', 'rollback'].includes(command) && !rest.includes('--help') && !rest.includes('-h');
// Asked of a run only: touching process.stdin sets up a stream for it (~2-5 ms), which validate never needs.
const screen = isRun && process.stdin.isTTY && process.stdout.isTTY && !rest.includes('--plain') && !rest.includes('--json');

// Node compiles its own modules (net, crypto...) from a code cache made with
// V8's default flags, and V8 takes a cache only with the flags it was made
// with: once a flag is set (below, and the screen's), each of Node's modules
// required afterwards is compiled from source, about twice its load time
// (what a plain run loads: 12 -> 25 ms). A run loads these anyway, so it
// loads them first; the other commands load few of them.
if (isRun) {
  // pg (net, dns; crypto's web crypto, for SCRAM), the journal and the index of runs (fs/promises, os), the prompts.
  for (const name of ['node:net', 'node:dns', 'node:fs/promises', 'node:os', 'node:readline/promises', 'node:diagnostics_channel']) require(name);
  void require('node:crypto').webcrypto;
  // Ink and what it loads (signal-exit, terminal-size, React's scheduler).
  if (screen) for (const name of ['node:child_process', 'node:perf_hooks', 'node:assert']) require(name);
}

// The PostgreSQL parser and the screen's layout engine are WebAssembly, compiled by V8's baseline compiler only
// (src/sql/wasm-compiler.ts). Most commands set that flag when they first compile WebAssembly: set any earlier,
// it would make the Node modules they require afterwards compile from source. A run sets it at its start, with
// the next flag: it has loaded those modules above, and its own code cache is made with both.
const BASELINE_WASM_COMPILER = '--liftoff-only';

// lint, validate and a run do much work over many inputs, most of it in well under a second: the split, the
// lock model, zod, a step's statements and their answers. At V8's default interrupt budget (67,584) its
// optimising compiler starts on dozens of their functions, in background threads, and the process ends
// before that code pays back: a 10,000-statement lint made 53-54 optimised compiles (--trace-opt), 19 at
// 300,000 and 17 at 400,000, the budget set here. A larger budget lets V8 optimise only what stays hot.
// lint of the bench's migration: CPU 0.80 -> 0.61 s; validate of the five runbooks: 0.56 -> 0.47 s; a plain
// run of 1,000 statements 0.38 -> 0.31 s and of one 0.29 -> 0.25 s, a 100,000-INSERT data fix the same within
// the noise (3.84 -> 3.95 s) (medians of 5-9 alternating runs, load ~3-4). V8 takes a code cache only with the
// flags it was made with: set once the build's cache is read, never when writing it (a validate;
// code-cache.test: validate still reads it), and before a run's own cache is read, which a run writes with it.
const SHORT_PROCESS = '--interrupt-budget=400000';

// A run (run, resume, rollback) compiles much that validating, the build's
// warm-up, does not: it keeps a cache of its own, written by the first run
// that succeeds (bin/cached-script.js). One for plain runs and one for the
// screen, which compiles React and Ink besides; help is not a run.
const cli = runCached(join(__dirname, '..', 'dist', 'bundle', 'runbook.cjs'), {
  writeCache: Boolean(process.env.RUNBOOK_WRITE_CODE_CACHE),
  report: Boolean(process.env.RUNBOOK_DEBUG_CODE_CACHE),
  own: isRun ? (screen ? 'screen' : 'run') : undefined,
  // The screen keeps V8's heap small (SCREEN_V8_FLAGS in src/tui/load.ts): its cache is made with those flags.
  ownFlags: isRun ? [BASELINE_WASM_COMPILER, SHORT_PROCESS, ...(screen ? ['--semi-space-growth-factor=1'] : [])] : [],
  // Not from a process that changed V8's flags (src/runbook/large-input.ts): V8 would refuse that cache.
  keep: (code) => code === 0 && !globalThis[Symbol.for('runbook.v8-flags-changed')],
});
if (!process.env.RUNBOOK_WRITE_CODE_CACHE) {
  if (isRun) setFlagsFromString(BASELINE_WASM_COMPILER);
  if (isRun || command === 'lint' || command === 'validate') setFlagsFromString(SHORT_PROCESS);
}
cli.main(process.argv).then(() => {
  if (command === 'lint') exitOnceWritten();
}).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});

/**
 * lint has nothing left to do once its output is written, yet Node, before it
 * exits, waits for the work V8 still has queued on its background threads: a
 * 10,000-statement lint sat idle 35-120 ms between its last write and its exit
 * (CPU profiles at load ~4). It exits once
 * stdout and stderr have handed everything to the system: a pipe read slowly
 * holds the rest in the stream, and exiting then would cut the output
 * (cli-process test). The exit code is the command's (process.exitCode). A
 * stream that never drains (its reader closed it) leaves the exit to Node, as before.
 */
function exitOnceWritten() {
  const pending = [process.stdout, process.stderr].filter((s) => s.writableLength > 0 && !s.destroyed);
  let left = pending.length;
  if (left === 0) process.exit();
  for (const s of pending) s.once('drain', () => --left === 0 && process.exit());
}
