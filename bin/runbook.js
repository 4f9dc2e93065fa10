#!/usr/bin/env node
// Entry point: the CLI, bundled into one CommonJS file with V8's code cache
// for it (npm install builds both: see scripts/bundle.js). CommonJS itself
// (bin/package.json): an ES module entry starts Node's ES module loader first,
// ~10 ms more CPU of every command's start (and ~25 ms wall at load 4).
'use strict';
const { join } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { runCached } = require('./cached-script.js');

// The PostgreSQL parser and the screen's layout engine are WebAssembly. By
// default V8 also recompiles them with its optimising compiler in background
// threads, which every run then waits for at exit: ~100 ms and ~20 MiB per
// process, for code that parses a few kilobytes of SQL. The baseline compiler
// alone is plenty (measured in bench/results.md).
setFlagsFromString('--liftoff-only');

// A run (run, resume, rollback) compiles much that validating, the build's
// warm-up, does not: it keeps a cache of its own, written by the first run
// that succeeds (bin/cached-script.js). One for plain runs and one for the
// screen, which compiles React and Ink besides; help is not a run.
const [command, ...rest] = process.argv.slice(2);
const isRun = ['run', 'resume', 'rollback'].includes(command) && !rest.includes('--help') && !rest.includes('-h');
// Asked of a run only: touching process.stdin sets up a stream for it (~2-5 ms), which validate never needs.
const screen = isRun && process.stdin.isTTY && process.stdout.isTTY && !rest.includes('--plain') && !rest.includes('--json');

const cli = runCached(join(__dirname, '..', 'dist', 'bundle', 'runbook.cjs'), {
  writeCache: Boolean(process.env.RUNBOOK_WRITE_CODE_CACHE),
  report: Boolean(process.env.RUNBOOK_DEBUG_CODE_CACHE),
  own: isRun ? (screen ? 'screen' : 'run') : undefined,
  // The screen keeps V8's heap small (SCREEN_V8_FLAGS in src/tui/load.ts): its cache is made with those flags.
  ownFlags: screen ? ['--semi-space-growth-factor=1'] : [],
  // Not from a process that changed V8's flags (src/runbook/large-input.ts): V8 would refuse that cache.
  keep: (code) => code === 0 && !globalThis[Symbol.for('runbook.v8-flags-changed')],
});
cli.main(process.argv).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});
