#!/usr/bin/env node
// Entry point: the CLI, compiled and bundled (npm install builds it: see scripts/bundle.js).
import { setFlagsFromString } from 'node:v8';

// The PostgreSQL parser and the screen's layout engine are WebAssembly. By
// default V8 also recompiles them with its optimising compiler in background
// threads, which every run then waits for at exit: ~100 ms and ~20 MiB per
// process, for code that parses a few kilobytes of SQL. The baseline compiler
// alone is plenty (measured in bench/results.md).
setFlagsFromString('--liftoff-only');

import('../dist/bundle/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});
