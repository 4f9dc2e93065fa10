// `runbook show`: every section of each shipped runbook on the screen at
// 80×24, walked item by item and page by page, with no database reachable —
// and nothing even tries to connect.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { loadRunbook, type Runbook } from '../../src/runbook/load.js';
import { checklistTitle } from '../../src/engine/plan.js';
import { ShowScreen } from '../../src/tui/show/ShowScreen.js';
import { plainText } from '../../src/tui/show/content.js';
import { showItems } from '../../src/tui/show/items.js';
import { initialShowState, showKey, updateShow } from '../../src/tui/show/store.js';
import { listWidthFor } from '../../src/tui/views/layout.js';
import { root } from '../support/cli.js';
import { frameProblems, makeRunbook, stripAnsi } from './helpers.js';

const KEY = { down: '\u001B[B', up: '\u001B[A', pageDown: '\u001B[6~', pageUp: '\u001B[5~', end: '\u001B[F', esc: '\u001B' };
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
const squash = (s: string) => s.replace(/\s+/g, '');

const shipped = readdirSync(join(root, 'runbooks'))
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(root, 'runbooks', f));

// No database anywhere: a closed port, and a record of every connection attempted.
const saved: Record<string, string | undefined> = {};
const attempts: unknown[] = [];
const realConnect = net.Socket.prototype.connect;
before(() => {
  for (const name of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER']) saved[name] = process.env[name];
  process.env.DATABASE_URL = 'postgres://nobody@127.0.0.1:1/nowhere';
  process.env.PGHOST = '127.0.0.1';
  process.env.PGPORT = '1';
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(args[0]);
    return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
});
after(() => {
  net.Socket.prototype.connect = realConnect;
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterEach(() => cleanup());

async function load(file: string): Promise<Runbook> {
  const r = await loadRunbook(file);
  assert.ok(r.ok, `${file} loads`);
  return r.runbook;
}

/** The right-hand pane of a frame (the selected item's detail), as text. */
function rightPane(frame: string, columns = 80): string {
  const list = listWidthFor(columns);
  return stripAnsi(frame)
    .split('\n')
    .slice(2, -2)
    .map((l) => [...l].slice(list + 1).join(''))
    .join('\n');
}

interface Walked {
  /** Per item: everything its detail showed, page by page. */
  pages: string[];
  frames: string[];
}

/** Mounts the view and walks every item (↓), paging through each (PgDn) to its end. */
async function walk(rb: Runbook, columns = 80, rows = 24): Promise<Walked> {
  const r = render(<ShowScreen runbook={rb} size={{ columns, rows }} color={false} onQuit={() => {}} />);
  await tick(30);
  const frame = () => r.lastFrame() ?? '';
  const pages: string[] = [];
  const frames: string[] = [];
  const count = showItems(rb).length;
  /** Presses a key and waits for the frame it changes. */
  const press = async (key: string) => {
    const before = frame();
    r.stdin.write(key);
    for (let waited = 0; frame() === before && waited < 500; waited += 2) await tick(2);
  };
  for (let i = 0; i < count; i++) {
    if (i > 0) await press(KEY.down);
    let text = rightPane(frame(), columns);
    frames.push(frame());
    // Page on while the scroll marker says there is more.
    for (let guard = 0; /PgDn for more/.test(frame()) && guard < 200; guard++) {
      await press(KEY.pageDown);
      text += `\n${rightPane(frame(), columns)}`;
      frames.push(frame());
    }
    pages.push(text);
  }
  r.unmount();
  return { pages, frames };
}

/** Shown as the screen shows markdown: emphasis and code marks dropped. */
function assertShown(all: string, text: string, what: string) {
  const words = text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/__(.+?)__/g, '$1').replace(/`([^`]+)`/g, '$1');
  assert.ok(squash(all).includes(squash(words)) || squash(all).includes(squash(text)), `${what} is shown: ${text}`);
}

describe('runbook show — every section of each shipped runbook at 80×24', () => {
  for (const file of shipped) {
    test(file.split('/').pop()!, async () => {
      const rb = await load(file);
      const items = showItems(rb);
      const { pages, frames } = await walk(rb);
      assert.equal(pages.length, items.length);
      const all = pages.join('\n');
      // Each item's own page starts with its title.
      items.forEach((item, i) => assertShown(pages[i].split('\n').slice(0, 8).join(' '), item.kind === 'overview' ? rb.title : item.title, `${item.kind} ${item.key} (its own page)`));
      for (const p of rb.prerequisites) assertShown(all, p.title, 'prerequisite');
      const steps = [...rb.steps, ...rb.procedures.flatMap((p) => p.steps)];
      for (const s of steps) {
        assertShown(all, s.title, 'step');
        if (s.expected) assertShown(all, s.expected.split('\n')[0], `expected output of ${s.id}`);
        for (const c of s.verify) assertShown(all, c.title, `check of ${s.id}`);
        if (s.rollback?.sql) assertShown(all, s.rollback.sql.split('\n')[0], `rollback of ${s.id}`);
        if (s.rollback?.shell) assertShown(all, s.rollback.shell.split('\n')[0], `rollback of ${s.id}`);
      }
      for (const p of rb.procedures) assertShown(all, p.title, 'procedure');
      for (const t of rb.troubleshooting) {
        assertShown(all, t.title, 'troubleshooting entry');
        if (t.cause) assertShown(all, t.cause.split('\n')[0], `cause of ${t.id}`);
      }
      for (const c of rb.checklist) assertShown(all, checklistTitle(c), 'checklist item');
      assert.match(all, /Rollback/);
      assert.match(all, /Expects: /);
      // Every frame fits the terminal (the last row is left free).
      for (const f of frames.slice(0, 40)) assert.deepEqual(frameProblems(f, 80, 23), [], f);
      assert.deepEqual(attempts, [], 'nothing tried to connect');
    });
  }
});

describe('the read-only view, by key', () => {
  test('↑↓ select, PgUp/PgDn scroll, Home/End, q quits', async () => {
    const rb = makeRunbook();
    let quit = 0;
    const r = render(<ShowScreen runbook={rb} size={{ columns: 80, rows: 24 }} color={false} onQuit={() => quit++} />);
    await tick(30);
    const frame = () => stripAnsi(r.lastFrame() ?? '');
    const press = async (key: string) => {
      const before = frame();
      r.stdin.write(key);
      for (let waited = 0; frame() === before && waited < 300; waited += 2) await tick(2);
      await tick(5);
    };
    assert.match(frame(), /READ-ONLY · nothing runs, no database is contacted · item 1 of 11/);
    assert.match(frame(), /▸Overview/);
    for (let i = 0; i < 3; i++) await press(KEY.down);
    assert.match(frame(), /▸Create the composite/);
    assert.match(rightPane(frame()).split('\n')[0], /Create the composite indexes/);
    await press(KEY.pageDown);
    assert.doesNotMatch(rightPane(frame()).split('\n')[0], /Create the composite indexes/);
    await press(KEY.pageUp);
    assert.match(rightPane(frame()).split('\n')[0], /Create the composite indexes/);
    await press(KEY.end);
    assert.match(frame(), /▸Dashboards are green/);
    await press(KEY.up);
    assert.match(frame(), /item 10 of 11/);
    assert.match(rightPane(frame()).split('\n')[0], /Application logs show no database errors/);
    await press('?');
    assert.match(frame(), /Keys — read-only view/);
    await press(KEY.esc);
    assert.doesNotMatch(frame(), /Keys — read-only view/);
    assert.equal(quit, 0, 'Esc closes the help, it does not leave');
    r.stdin.write('q');
    await tick(20);
    assert.equal(quit, 1);
  });

  test('a step in full: explain, SQL, expected, checks in words, rollback, linked troubleshooting with cause and fix', () => {
    const rb = makeRunbook();
    let s = initialShowState(rb, { columns: 120, rows: 200 });
    s = updateShow(s, showKey(s, '', { downArrow: true })!).state;
    s = updateShow(s, showKey(s, '', { downArrow: true })!).state;
    s = updateShow(s, showKey(s, '', { downArrow: true })!).state;
    const text = plainText(rb, 100).join('\n');
    for (const bit of [
      'Create the composite indexes',
      'The timeline query scans the whole table.',
      'CREATE INDEX CONCURRENTLY idx_messages_user_created',
      'Expected output',
      'The index serves the timeline',
      'Expects: query plan contains "Index Scan"',
      'Rollback',
      'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created',
      'Migration fails with "relation already exists"',
      'The migration was partly applied before.',
      'Drop the half-built index.',
      'DESTRUCTIVE',
      'Expects: first row: version >= 120000',
      'I have a backup taken in the last hour',
      'Dashboards are green',
    ])
      assert.ok(text.includes(bit), `plain text has: ${bit}`);
    assert.equal(s.items[s.selected].key, 'step:indexes');
  });

  test('a narrow terminal drops the list and still walks every item', async () => {
    const rb = makeRunbook();
    const { pages } = await walk(rb, 50, 16);
    assert.equal(pages.length, showItems(rb).length);
  });
});
