// A copy of the built program (bin/ and the bundle) in a folder of its own, for
// tests of the code caches kept beside the bundle: the real program's caches
// are not touched while other tests run it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './cli.js';

/** The copy's folder: bin/runbook.js runs it, with the build's code cache made for it as scripts/bundle.js makes it. */
export function copyProgram(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rb-program-'));
  cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(root, 'dist', 'bundle', 'runbook.cjs'), join(dir, 'dist', 'bundle', 'runbook.cjs'));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), readFileSync(join(root, 'package.json')));
  const warmup = spawnSync(process.execPath, ['bin/runbook.js', 'validate', join(root, 'runbooks', '002-multi-pair-support.yaml')], { cwd: dir, env: { ...process.env, RUNBOOK_WRITE_CODE_CACHE: '1' } });
  assert.equal(warmup.status, 0, String(warmup.stderr));
  return dir;
}
