// Runs a CommonJS file from V8's code cache: parsing and compiling what the
// cache holds is skipped. Node 20 offers a code cache only to vm.Script (ES
// modules get one from Node 22). Used by bin/runbook.js, and by the benchmark
// to load its floor the same way.
'use strict';
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { constants, Script } = require('node:vm');

/**
 * Runs `file` (a CommonJS module, ASCII only) and returns its exports. Its cache is
 * `file.cache`; with `writeCache`, it is written at exit instead of read,
 * holding every function the process compiled.
 *
 * `own` names a second cache, `file.<own>.cache`, for one kind of process
 * (a run): the build's cache holds what validating compiles, and a run
 * compiles much else (pg, the journal, the session: ~40 ms of a one-statement
 * run). When that cache is there it is read instead of the build's; when it is
 * not (or V8 refuses it), it is written at this process's exit if `keep(code)`
 * says the process did its whole work, holding the build's functions and the
 * ones this process compiled, so the next such process starts from it. Written
 * to a temporary file and renamed (processes running at once never see half a
 * cache); where it cannot be written (a read-only install) nothing changes.
 * V8 takes from a cache only code for the same source, version and flags, so
 * which cache is read changes how fast, never what runs; `ownFlags` are the
 * V8 flags such a process sets while it runs, set before its own cache is read.
 */
function runCached(file, { writeCache = false, report = false, own = undefined, ownFlags = [], keep = () => false } = {}) {
  const cacheFile = `${file}.cache`;
  const ownFile = own ? `${file}.${own}.cache` : undefined;
  // V8 checks a cache against its own version and flags, and the source only by
  // its length: the cache also names the file it was made from (size and time).
  const { size, mtimeMs } = statSync(file);
  const stamp = Buffer.from(`${size}:${mtimeMs}\n`);
  const ownData = !writeCache && ownFile ? readCache(ownFile, stamp) : undefined;
  // V8 takes a cache only with the flags it was made with, and the own cache is made at exit, after
  // the process set `ownFlags` (the screen's): set now when starting from it.
  if (ownData) for (const flag of ownFlags) setFlagsFromString(flag);
  const cachedData = writeCache ? undefined : (ownData ?? readCache(cacheFile, stamp));
  // The bundle is ASCII (scripts/bundle.js): read as Latin-1, without decoding UTF-8.
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), {
    filename: file,
    cachedData,
    // Code taken from the cache cannot import() (Node drops what import() needs): the bundle requires instead.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const ownUsed = Boolean(ownData) && !script.cachedDataRejected;
  if (report) console.error(`code cache: ${!cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}${ownUsed ? ` (${own})` : ''}`);
  if (writeCache) process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([stamp, script.createCachedData()])));
  else if (ownFile && !ownUsed) process.on('exit', (code) => keep(code) && writeQuietly(ownFile, () => Buffer.concat([stamp, script.createCachedData()])));
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, Module.createRequire(file), loaded, file, dirname(file));
  return loaded.exports;
}

function readCache(cacheFile, stamp) {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, stamp.length).equals(stamp) ? data.subarray(stamp.length) : undefined;
  } catch {
    return undefined; // no cache: V8 compiles as usual
  }
}

/** Replaces `path` whole with `data()`, or leaves it as it was: a cache is never worth an error. */
function writeQuietly(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data());
    renameSync(temporary, path);
  } catch {
    rmSync(temporary, { force: true });
  }
}

module.exports = { runCached };
