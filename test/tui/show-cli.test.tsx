// `runbook show` as a command: piped, it prints every section of each
// shipped runbook as plain text with no database reachable; it accepts a
// runbook id; a file that does not load is an exit 2 with its problems.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checklistTitle } from '../../src/engine/plan.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { root, runCli } from '../support/cli.js';
import { killServer, sh, Terminal } from '../e2e/tmux.js';

const squash = (s: string) => s.replace(/\s+/g, '');
const NO_DB = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere', PGHOST: '127.0.0.1', PGPORT: '1' };
const shipped = readdirSync(join(root, 'runbooks'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

const terms: Terminal[] = [];
after(() => {
  for (const t of terms) t.close();
  killServer();
});

describe('runbook show FILE, piped: plain text, no database', () => {
  for (const name of shipped) {
    test(name, async () => {
      const file = join('runbooks', name);
      const r = await runCli(['show', file], NO_DB);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.doesNotMatch(r.stdout, /\u001B\[/, 'no escape sequences when piped');
      const loaded = await loadRunbook(join(root, file));
      assert.ok(loaded.ok);
      const rb = loaded.runbook;
      const text = squash(r.stdout);
      const has = (t: string, what: string) => assert.ok(text.includes(squash(t)) || text.includes(squash(t.replace(/`([^`]+)`/g, '$1').replace(/\*\*(.+?)\*\*/g, '$1'))), `${what}: ${t}`);
      has(rb.title, 'title');
      for (const p of rb.prerequisites) has(p.title, 'prerequisite');
      for (const s of [...rb.steps, ...rb.procedures.flatMap((p) => p.steps)]) {
        has(s.title, 'step');
        for (const c of s.verify) has(c.title, 'check');
      }
      for (const p of rb.procedures) has(p.title, 'procedure');
      for (const t of rb.troubleshooting) has(t.title, 'troubleshooting');
      for (const c of rb.checklist) has(checklistTitle(c), 'checklist item');
      for (const section of ['== Steps', '== Troubleshooting', '== Checklist', 'Expects: ', 'Rollback']) assert.ok(r.stdout.includes(section), section);
    });
  }

  test('a runbook id works in place of the file; --width wraps', async () => {
    const r = await runCli(['show', 'multi-pair-support', '--width', '60'], NO_DB);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Multi-pair market maker/);
    assert.ok(r.stdout.split('\n').every((l) => [...l].length <= 60), 'every line fits 60 columns');
  });

  test('an unknown runbook, or one that does not load, is exit 2 with the reason', async () => {
    const missing = await runCli(['show', 'no-such-runbook'], NO_DB);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no runbook with that id/);
    const broken = await runCli(['show', 'test/fixtures/broken/bad-yaml.yaml'], NO_DB);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /bad-yaml\.yaml:\d+:\d+/);
  });
});

describe('runbook show FILE in a terminal (tmux), no database reachable', () => {
  test('the screen opens, walks, scrolls, and q leaves with exit 0', async () => {
    const env = Object.entries(NO_DB).map(([k, v]) => `${k}=${sh(v)}`).join(' ');
    const term = new Terminal(`cd ${sh(root)} && env -u CI -u CONTINUOUS_INTEGRATION ${env} ${sh(process.execPath)} bin/runbook.js show runbooks/002-multi-pair-support.yaml`, 80, 24);
    terms.push(term);
    await term.waitFor(/READ-ONLY · nothing runs, no database is contacted · item 1 of/, 30_000, 'the read-only view');
    for (let i = 0; i < 9; i++) term.press('Down');
    await term.waitFor(/item 10 of/);
    await term.waitFor(/── 1–\d+ of \d+ lines/);
    term.press('PageDown');
    await term.waitFor(/── (?!1–)\d+–\d+ of \d+ lines/, 10_000, 'the step scrolled a page');
    term.press('End');
    await term.waitFor(/item (\d+) of \1\b/);
    term.type('q');
    assert.equal(await term.exitCode(), 0);
  });
});
