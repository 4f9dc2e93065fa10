// The command line as a process: how it behaves in a pipe, and what it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrationSql } from '../../bench/cases/lint.js';

test('output piped into a reader that stops early (`runbook schema | head -1`) ends quietly, exit 0, no stack trace', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${JSON.stringify(process.execPath)} bin/runbook.js schema | head -1`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), '{');
  assert.doesNotMatch(r.stderr, /EPIPE|at .*\(|Error/);
  // pipefail: the status is runbook's own, not head's.
  assert.equal(r.status, 0);
});

test('lint read slowly through a pipe: every byte arrives and the exit status is lint’s (bin exits once its output is written)', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const file = join(mkdtempSync(join(tmpdir(), 'rb-lint-pipe-')), 'migration.sql');
  writeFileSync(file, migrationSql());
  const lint = `${JSON.stringify(process.execPath)} bin/runbook.js lint ${JSON.stringify(file)}`;
  const whole = spawnSync(process.execPath, ['bin/runbook.js', 'lint', file], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(whole.status, 1, whole.stderr);
  // Far more than a pipe holds (64 KiB): a reader that waits leaves the rest in the stream when lint is done.
  assert.ok(whole.stdout.length > 256 * 1024, `${whole.stdout.length} bytes`);
  const slow = spawnSync('bash', ['-o', 'pipefail', '-c', `${lint} | (sleep 0.5; cat)`], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(slow.stderr, '');
  assert.equal(slow.status, 1);
  assert.equal(slow.stdout.length, whole.stdout.length);
  assert.equal(slow.stdout, whole.stdout);
});

test('loading every command (bundled, as bin/runbook.js runs it) does not load Node’s fetch implementation for pg', () => {
  // pg probes for Cloudflare Workers by building a fetch Response where Node 20 has no navigator: ~45 ms of every start (exec/postgres/before-pg.ts).
  const root = join(import.meta.dirname, '..', '..', '..');
  const hook = `data:text/javascript,process.on('exit', () => console.log(JSON.stringify(process.moduleLoadList.filter((m) => /undici|NativeModule net$/.test(m)))))`;
  const r = spawnSync(process.execPath, ['--import', hook, 'bin/runbook.js', '--version'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // net is pg's: it was loaded, and fetch was not.
  assert.equal(r.stdout.trim().split('\n').pop(), '["NativeModule net"]');
});

test('the bundle starts from the code cache the build made for it, and without it when the bundle changed', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const run = (env: Record<string, string> = {}) => spawnSync(process.execPath, ['bin/runbook.js', '--version'], { cwd: root, encoding: 'utf8', env: { ...process.env, RUNBOOK_DEBUG_CODE_CACHE: '1', ...env } });
  const used = run();
  assert.equal(used.status, 0, used.stderr);
  assert.match(used.stderr, /^code cache: used$/m);
  // A copy of the bundle elsewhere has another time stamp: the cache is not for it, and it runs without.
  const dir = mkdtempSync(join(tmpdir(), 'rb-bundle-'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'dist', 'bundle'), join(dir, 'dist', 'bundle'), { recursive: true, preserveTimestamps: false });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
  utimesSync(join(dir, 'dist', 'bundle', 'runbook.cjs'), new Date(), new Date(Date.now() - 60_000));
  const stale = spawnSync(process.execPath, ['bin/runbook.js', '--version'], { cwd: dir, encoding: 'utf8', env: { ...process.env, RUNBOOK_DEBUG_CODE_CACHE: '1' } });
  assert.equal(stale.status, 0, stale.stderr);
  assert.match(stale.stderr, /^code cache: none$/m);
  assert.equal(stale.stdout, used.stdout);
});

test('a command’s start loads only what that command uses: no job queue or parser for --help, no job queue or crypto for validate', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  // At exit: the builtins Node loaded, every file require() loaded (the bundle's externals: graphile-worker), and
  // each WebAssembly file read (the parser's JavaScript is in the bundle: its .wasm read is what says it was loaded).
  const hook = `data:text/javascript,${encodeURIComponent(
    "import { createRequire } from 'node:module'; import fs from 'node:fs'; const read = fs.readFileSync; const wasm = []; fs.readFileSync = function (p, ...rest) { if (String(p).endsWith('.wasm')) wasm.push('WASM ' + String(p)); return read.call(this, p, ...rest); }; const cache = createRequire(process.cwd() + '/').cache; process.on('exit', () => console.log('LOADED ' + JSON.stringify([...process.moduleLoadList, ...Object.keys(cache), ...wasm])))",
  )}`;
  const loaded = (args: string[]): string[] => {
    const r = spawnSync(process.execPath, ['--import', hook, 'bin/runbook.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, RUNBOOK_STATE_DIR: mkdtempSync(join(tmpdir(), 'rb-loads-')) } });
    assert.equal(r.status, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('LOADED '));
    assert.ok(line, r.stdout);
    return JSON.parse(line.slice('LOADED '.length)) as string[];
  };
  const has = (list: string[], what: RegExp) => list.filter((m) => what.test(m));
  for (const command of ['run', 'approve', 'fleet', 'worker', 'history']) {
    const list = loaded([command, '--help']);
    // (pg loads node:crypto itself, for SCRAM: these commands load pg.)
    assert.deepEqual(has(list, /[\\/]node_modules[\\/](graphile-worker|libpg-query)[\\/]|undici|^WASM .*libpg-query/), [], `${command} --help`);
  }
  const validate = loaded(['validate', 'runbooks/002-multi-pair-support.yaml']);
  assert.deepEqual(has(validate, /[\\/]node_modules[\\/]graphile-worker[\\/]|NativeModule crypto$|undici/), [], 'validate');
  // The parser is what validate needs: loaded where first used, and seen by the hook (so its absence above means something).
  assert.deepEqual(has(validate, /^WASM .*libpg-query/), [`WASM ${realpathSync(join(root, 'node_modules', 'libpg-query', 'wasm', 'libpg-query.wasm'))}`], 'validate loads the parser');
  // From the bundle and its code cache: nothing of the parser is resolved or compiled from node_modules.
  assert.deepEqual(has(validate, /[\\/]node_modules[\\/](libpg-query|@pgsql)[\\/].*\.c?js$/), [], 'the parser\'s JavaScript is bundled');
});

test('validate and a command’s help never set up standard input (a stream Node makes on first use); a run does', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  // Before anything else runs: process.stdin's getter is wrapped to say, at exit, whether it was asked for.
  const hook = `data:text/javascript,${encodeURIComponent(
    "const d = Object.getOwnPropertyDescriptor(process, 'stdin'); let asked = false; Object.defineProperty(process, 'stdin', { configurable: true, enumerable: d.enumerable, get() { asked = true; return d.get.call(this); } }); process.on('exit', () => console.log('STDIN ' + asked))",
  )}`;
  const asked = (args: string[]): string => {
    const r = spawnSync(process.execPath, ['--import', hook, 'bin/runbook.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, RUNBOOK_STATE_DIR: mkdtempSync(join(tmpdir(), 'rb-stdin-')) } });
    return r.stdout.split('\n').find((l) => l.startsWith('STDIN ')) ?? `no answer: ${r.stderr}`;
  };
  assert.equal(asked(['validate', 'runbooks/002-multi-pair-support.yaml']), 'STDIN false');
  assert.equal(asked(['run', '--help']), 'STDIN false');
  // A run asks whether it is in a terminal (the screen): the hook does see it (this fails at the connection, after asking).
  assert.equal(asked(['run', 'runbooks/002-multi-pair-support.yaml', '--db', 'postgres://nobody@127.0.0.1:1/none']), 'STDIN true');
});

test('a run writes the index of runs through conf without loading node:assert (conf asked it whether the file equals itself)', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const url = process.env.TEST_DATABASE_URL ?? '';
  assert.ok(url, 'the test runner gives a server');
  const hook = `data:text/javascript,${encodeURIComponent("process.on('exit', () => console.log('LOADED ' + JSON.stringify(process.moduleLoadList)))")}`;
  const dir = mkdtempSync(join(tmpdir(), 'rb-index-'));
  const file = join(dir, 'one.yaml');
  writeFileSync(file, 'runbook: 1\nid: index-once\ntitle: index once\nsteps:\n  - id: one\n    title: one\n    sql: SELECT 1;\n');
  const state = join(dir, 'state');
  for (const round of [1, 2]) {
    // The first run makes the index; the second reads it and adds to it.
    const r: SpawnSyncReturns<string> = spawnSync(process.execPath, ['--import', hook, 'bin/runbook.js', 'run', file, '--db', url, '--plain', '--yes', '--state-dir', state], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const list = JSON.parse(r.stdout.split('\n').find((l: string) => l.startsWith('LOADED '))!.slice('LOADED '.length)) as string[];
    assert.deepEqual(list.filter((m) => /^NativeModule assert$/.test(m)), [], `run ${round}`);
    // The hook sees the builtins conf did load (its atomic write's fs).
    assert.ok(list.includes('NativeModule internal/util/comparisons'), `run ${round}: isDeepStrictEqual`);
    const index = JSON.parse(readFileSync(join(state, 'runbook.json'), 'utf8')) as { runs: Record<string, { runbook: string }> };
    assert.deepEqual(Object.values(index.runs).map((e) => e.runbook), Array(round).fill('index-once'));
  }
});
