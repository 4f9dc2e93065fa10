#!/usr/bin/env node
// Entry point: the CLI, bundled into one CommonJS file with V8's code cache
// for it (npm install builds both: see scripts/bundle.js).
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runCached } from './cached-script.js';

// The PostgreSQL parser and the screen's layout engine are WebAssembly. By
// default V8 also recompiles them with its optimising compiler in background
// threads, which every run then waits for at exit: ~100 ms and ~20 MiB per
// process, for code that parses a few kilobytes of SQL. The baseline compiler
// alone is plenty (measured in bench/results.md).
setFlagsFromString('--liftoff-only');

const cli = runCached(fileURLToPath(new URL('../dist/bundle/runbook.cjs', import.meta.url)), {
  writeCache: Boolean(process.env.RUNBOOK_WRITE_CODE_CACHE),
  report: Boolean(process.env.RUNBOOK_DEBUG_CODE_CACHE),
});
cli.main(process.argv).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});
