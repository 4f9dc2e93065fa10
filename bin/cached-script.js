// Runs a CommonJS file from V8's code cache: parsing and compiling what the
// cache holds is skipped. Node 20 offers a code cache only to vm.Script (ES
// modules get one from Node 22). Used by bin/runbook.js, and by the benchmark
// to load its floor the same way.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { constants, Script } from 'node:vm';

/**
 * Runs `file` (a CommonJS module, ASCII only) and returns its exports. Its cache is
 * `file.cache`; with `writeCache`, it is written at exit instead of read,
 * holding every function the process compiled.
 */
export function runCached(file, { writeCache = false, report = false } = {}) {
  const cacheFile = `${file}.cache`;
  // V8 checks a cache against its own version and flags, and the source only by
  // its length: the cache also names the file it was made from (size and time).
  const { size, mtimeMs } = statSync(file);
  const stamp = Buffer.from(`${size}:${mtimeMs}\n`);
  const cachedData = writeCache ? undefined : readCache(cacheFile, stamp);
  // The bundle is ASCII (scripts/bundle.js): read as Latin-1, without decoding UTF-8.
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), {
    filename: file,
    cachedData,
    // Code taken from the cache cannot import() (Node drops what import() needs): the bundle requires instead.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (report) console.error(`code cache: ${!cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}`);
  if (writeCache) process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([stamp, script.createCachedData()])));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

function readCache(cacheFile, stamp) {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, stamp.length).equals(stamp) ? data.subarray(stamp.length) : undefined;
  } catch {
    return undefined; // no cache: V8 compiles as usual
  }
}
