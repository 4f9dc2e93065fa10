// The screen's own code cache (bin/cached-script.js): a screen run sets a V8
// flag while it runs (src/tui/load.ts), and V8 takes a cache only with the
// flags it was made with, so the cache the first screen run writes must be
// read by the next one, not refused and written again at every exit.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../support/db.js';
import { copyProgram } from '../support/program-copy.js';
import { leftovers, sh, Terminal } from './tmux.js';

const { open, dirs, clean } = leftovers();
after(clean);

test('the second screen run starts from the screen’s own code cache, which the first wrote', async () => {
  const db = await createTestDatabase('screencache');
  open.push({ close: () => void db.drop().catch(() => {}) });
  const dir = copyProgram();
  dirs.push(dir);
  const file = join(dir, 'one.yaml');
  writeFileSync(file, 'runbook: 1\nid: screen-cache\ntitle: screen cache\nrisk: low\nsteps:\n  - id: one\n    title: one\n    sql: SELECT 41 + 1 AS answer;\n');
  const cache = join(dir, 'dist', 'bundle', 'runbook.cjs.screen.cache');
  const screenRun = async (n: number): Promise<string> => {
    const report = join(dir, `stderr-${n}.txt`);
    const args = [join(dir, 'bin', 'runbook.js'), 'run', file, '--db', db.url, '--state-dir', join(dir, 'state'), '--auto'].map(sh).join(' ');
    // CI markers would make Ink draw only the last frame; a person's terminal has none.
    const term = new Terminal(`cd ${sh(dir)} && env -u CI -u CONTINUOUS_INTEGRATION RUNBOOK_DEBUG_CODE_CACHE=1 ${sh(process.execPath)} ${args} 2> ${sh(report)}`, 100, 30);
    open.push(term);
    await term.waitFor(/Run succeeded/, 60_000);
    term.press('q');
    assert.equal(await term.exitCode(), 0);
    term.close();
    return /^code cache: (.*)$/m.exec(readFileSync(report, 'utf8'))?.[1] ?? '';
  };
  assert.equal(await screenRun(1), 'used', 'the first screen run starts from the build’s cache');
  assert.ok(existsSync(cache), 'and writes the screen’s own');
  const written = readFileSync(cache);
  assert.equal(await screenRun(2), 'used (screen)');
  assert.ok(readFileSync(cache).equals(written), 'a cache that was read is not written again');
});
