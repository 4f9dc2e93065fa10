// The guided pace's `a` (run on to the next decision) stops where the lock
// model says others would wait: a lock stronger than ROW EXCLUSIVE on a table
// that is not new, a rewrite, a statement it cannot see into — and runs on
// through the rest, including strong locks on tables earlier steps made.
// Rendered with ink-testing-library, the operator as the screen builds it.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { TuiController } from '../../src/tui/controller.js';
import { screenOperator } from '../../src/tui/operator.js';
import { update } from '../../src/tui/store.js';
import { detailGeometry } from '../../src/tui/views/geometry.js';
import { ensureParser } from '../../src/sql/index.js';
import { atSteps, makeRunbook, makeUi, NOW, stripAnsi } from './helpers.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
afterEach(cleanup);

const STEPS = [
  { id: 'make', title: 'Make a table', sql: 'CREATE TABLE fresh (id int, v varchar(10))' },
  { id: 'index-fresh', title: 'Index the new table', sql: 'CREATE INDEX fresh_id ON fresh (id); ALTER TABLE fresh ALTER v TYPE text' },
  { id: 'backfill', title: 'Backfill', sql: "UPDATE users SET name = 'x' WHERE id < 100; SELECT count(*) FROM users" },
  { id: 'index-users', title: 'Index users', sql: 'CREATE INDEX users_name ON users (name)' },
  { id: 'concurrently', title: 'Index users concurrently', sql: 'CREATE INDEX CONCURRENTLY users_email ON users (email)' },
  { id: 'retype', title: 'Retype a column', sql: 'ALTER TABLE users ALTER COLUMN age TYPE bigint' },
  { id: 'opaque', title: 'Opaque', sql: 'DO $$ BEGIN PERFORM 1; END $$' },
  { id: 'other-db', title: 'Elsewhere', sql: 'CREATE INDEX ON users (a)', connection: 'reporting' },
];

async function mounted() {
  await ensureParser();
  const rb = makeRunbook({ steps: STEPS, connections: { reporting: { postgres: 'postgres://elsewhere/db' } } });
  let ui = atSteps(makeUi(rb, { columns: 100, rows: 30 }));
  ui = update(ui, { type: 'pace', pace: 'to_decision' }).state;
  const ctl = new TuiController(ui, { frameMs: 0, clock: () => NOW, measure: detailGeometry });
  ctl.setHooks({ interrupt: () => {}, stop: () => {}, exit: () => {}, forceExit: () => {} });
  const r = render(<App controller={ctl} color={false} />);
  await tick();
  const op = screenOperator(ctl, { runbook: rb, steps: rb.steps });
  /** Before `id`: 'run' at once (no stop), or the prompt's text (a stop). */
  const before = async (id: string): Promise<string> => {
    const item = ctl.getState().run.items.find((i) => i.key === `step:${id}`)!;
    let answered: string | undefined;
    const answer = op.beforeStep!(item).then((v) => (answered = v));
    await tick();
    if (answered !== undefined) return answered;
    // The prompt wraps at the screen's width: compared with its spaces folded.
    const frame = stripAnsi(r.lastFrame() ?? '').replace(/\s+/g, ' ');
    r.stdin.write('a'); // run on again from the stop
    await answer;
    return frame;
  };
  return { before };
}

describe('the guided pace stops where the lock model says others would wait', () => {
  test('a strong lock or a rewrite on a table in use stops it; new tables, row locks and other connections do not', async () => {
    const { before } = await mounted();
    assert.equal(await before('make'), 'run', 'CREATE TABLE locks no table others use');
    assert.equal(await before('index-fresh'), 'run', 'the table an earlier step made is new');
    assert.equal(await before('backfill'), 'run', 'ROW EXCLUSIVE and ACCESS SHARE hold nobody up');
    const index = await before('index-users');
    assert.match(index, /Next, step 4\/8: Index users/);
    assert.match(index, /needs your decision: takes a lock others wait behind: SHARE on users \(CREATE INDEX\)/);
    const concurrently = await before('concurrently');
    assert.match(concurrently, /takes a lock others wait behind: SHARE UPDATE EXCLUSIVE on users \(CREATE INDEX\)/);
    const retype = await before('retype');
    assert.match(retype, /ACCESS EXCLUSIVE on users \(ALTER TABLE\); rewrites a table: ALTER TABLE/);
    const opaque = await before('opaque');
    assert.match(opaque, /cannot be analysed for locks: DO/);
    assert.equal(await before('other-db'), 'run', 'a step on another connection takes none of the target’s locks');
  });
});
