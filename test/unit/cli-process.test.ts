// The command line as a process: how it behaves in a pipe, and what it loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('output piped into a reader that stops early (`runbook schema | head -1`) ends quietly, exit 0, no stack trace', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const r = spawnSync('bash', ['-o', 'pipefail', '-c', `${JSON.stringify(process.execPath)} bin/runbook.js schema | head -1`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stdout.trim(), '{');
  assert.doesNotMatch(r.stderr, /EPIPE|at .*\(|Error/);
  // pipefail: the status is runbook's own, not head's.
  assert.equal(r.status, 0);
});

test('loading every command (bundled, as bin/runbook.js runs it) does not load Node’s fetch implementation for pg', () => {
  // pg probes for Cloudflare Workers by building a fetch Response where Node 20 has no navigator: ~45 ms of every start (exec/postgres/before-pg.ts).
  const root = join(import.meta.dirname, '..', '..', '..');
  const script = `process.on('exit', () => console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici')))));
    const { main } = await import(${JSON.stringify(join(root, 'dist/bundle/main.js'))});
    await main([process.argv[0], 'runbook', '--version']);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').pop(), '[]');
});
