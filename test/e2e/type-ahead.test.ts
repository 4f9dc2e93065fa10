// Keys typed before the run screen is up, in a real terminal (tmux) against a
// real PostgreSQL reached through a relay that holds the connection (a slow
// network) until the test has typed: nothing is echoed, a go-ahead typed
// ahead (Enter, y, a) runs nothing and the screen says it was ignored, a move
// of the view typed ahead is kept, and Ctrl-C still interrupts, leaving the
// terminal as it was.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../support/db.js';
import { gatedProxy, type GatedProxy } from '../support/gated-proxy.js';
import { leftovers, sh, Terminal } from './tmux.js';

const ROOT = process.cwd();
const BIN = join(ROOT, 'bin', 'runbook.js');
const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', 'guided.yaml');

const { open, dirs, clean } = leftovers();
after(clean);

async function start(): Promise<{ term: Terminal; proxy: GatedProxy; marks: string }> {
  const db = await createTestDatabase('typeahead');
  await db.client.query('CREATE TABLE guided_base (id int PRIMARY KEY)');
  open.push({ close: () => void db.drop().catch(() => {}) });
  const proxy = await gatedProxy(db.url);
  open.push({ close: () => void proxy.close() });
  const marks = mkdtempSync(join(tmpdir(), 'runbook-typeahead-'));
  dirs.push(marks);
  const all = [BIN, 'run', FIXTURE, '--db', proxy.url, '--state-dir', join(marks, 'state'), '--input', `dir=${marks}`].map(sh).join(' ');
  const term = new Terminal(`cd ${sh(ROOT)} && env -u CI -u CONTINUOUS_INTEGRATION ${sh(process.execPath)} ${all}`, 100, 30);
  open.push(term);
  return { term, proxy, marks };
}

/** Until the program has dialled the database: it is running, and its screen cannot be up yet. */
async function connecting(proxy: GatedProxy, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (proxy.connections === 0) {
    if (Date.now() > deadline) throw new Error('the program never connected');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const settle = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe('keys typed before the screen is up', () => {
  test('are not echoed; Enter, y and a typed ahead run nothing and are named as ignored; moves of the view are kept', async () => {
    const { term, proxy, marks } = await start();
    await connecting(proxy);
    const before = term.screen();
    term.type('y');
    term.press('Enter');
    term.type('a');
    term.press('Down', 'Down');
    await settle();
    assert.equal(term.screen(), before, 'nothing typed shows on the terminal before the screen');
    proxy.open();
    await term.waitFor(/▶ Next, step 1\/4: Leave the first mark/);
    await term.waitFor(/Ignored 3 keys typed before the screen was up: y, Enter, a\. Press again with the step on view\./, 10_000);
    await settle();
    assert.equal(existsSync(join(marks, 'first')), false, 'the Enter and a typed ahead ran nothing');
    // The two Downs typed ahead moved the step view on from the prerequisite to step 2; the question stays step 1's.
    assert.match(term.screen(), /│○ PENDING\s+step 2\/4\s+Leave the second mark/);
    assert.match(term.screen(), /▶ Next, step 1\/4: Leave the first mark/);
    term.press('Enter');
    await term.waitFor(/▶ Next, step 2\/4: Leave the second mark/);
    assert.equal(existsSync(join(marks, 'first')), true, 'an Enter pressed with the step on view runs it');
    term.type('q');
    assert.notEqual(await term.exitCode(), 0);
    const all = term.screen({ history: true });
    assert.doesNotMatch(all, /\^\[\[B|^ya|^y$/m, 'no echo of the early keys above the summary');
  });

  test('Ctrl-C typed before the screen is up interrupts, and the terminal is given back as it was', async () => {
    const { term, proxy, marks } = await start();
    await connecting(proxy);
    term.type('x');
    term.press('C-c');
    assert.equal(await term.exitCode(), 130);
    assert.equal(existsSync(join(marks, 'first')), false);
    assert.doesNotMatch(term.screen(), /x/, 'the key typed before Ctrl-C was not echoed');
    // The terminal echoes again (cooked mode): what is typed now shows.
    term.type('zz');
    await term.waitFor(/zz/, 5_000, 'the terminal to echo again');
  });
});
