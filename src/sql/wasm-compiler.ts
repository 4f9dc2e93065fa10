// The PostgreSQL parser (libpg-query) and the screen's layout engine (Yoga) are
// WebAssembly. By default V8 also recompiles them with its optimising compiler
// in background threads, which every process then waits for at exit: ~100 ms
// and ~20 MiB per process, for code that parses a few kilobytes of SQL. The
// baseline compiler alone is plenty (measured in bench/results.md).
//
// The flag is set when a process first compiles WebAssembly, not at its start:
// V8 takes a code cache only with the flags it was made with, and that holds
// for Node's own modules too. Set at the start, it made every Node module
// required afterwards compile from source: node:crypto (required by pg for
// SCRAM), node:dns and node:net in every command that reads the record
// (history, report, watch...), ~10-15 ms of their starts. A run sets it itself
// at its start, once it has loaded those modules (bin/runbook.js).
import { setFlagsFromString } from 'node:v8';

// bin/runbook.js holds the same flag (a run sets it at its start).
const BASELINE_WASM_COMPILER = '--liftoff-only';

/**
 * Before compiling WebAssembly: V8's baseline compiler only. Not in the process
 * that writes the build's code cache (scripts/bundle.js's warm-up): every
 * command reads that cache at its start, before any flag is set, and V8 would
 * refuse a cache written under this one.
 */
export function useBaselineWasmCompiler(): void {
  if (process.env.RUNBOOK_WRITE_CODE_CACHE) return;
  setFlagsFromString(BASELINE_WASM_COMPILER);
}
