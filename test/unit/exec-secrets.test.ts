// Masking known secrets in text from the database or a shell: long ones
// anywhere, short ones only as whole tokens, URL passwords always, with a
// fixed mask that says nothing about the secret.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { MASK, Secrets, passwordOf } from '../../src/exec/secrets.js';

describe('Secrets', () => {
  test('a long secret is masked wherever it appears, in every form it takes', () => {
    const s = new Secrets(['hunter2"pw!']);
    assert.equal(s.text('said hunter2"pw! twice: xhunter2"pw!x'), `said ${MASK} twice: x${MASK}x`);
    assert.equal(s.text('postgres://u:hunter2%22pw!@h/d'), `postgres://u:${MASK}@h/d`);
    assert.equal(s.text('{"p":"hunter2\\"pw!"}'), `{"p":"${MASK}"}`);
  });

  test('a short secret is masked only as a whole token, never inside a word or an address', () => {
    const s = new Secrets(['5432']);
    assert.equal(s.text('connect ECONNREFUSED 127.0.0.1:5432'), 'connect ECONNREFUSED 127.0.0.1:5432');
    assert.equal(s.text('PGPASSWORD=5432'), `PGPASSWORD=${MASK}`);
    assert.equal(s.text('invalid input syntax for type uuid: "5432"'), `invalid input syntax for type uuid: "${MASK}"`);
    assert.equal(s.text('5432'), MASK);
    assert.equal(s.text('154321 and 5432x'), '154321 and 5432x');
    const word = new Secrets(['sandbox']);
    assert.equal(word.text('runbook_sandbox on sandbox-1'), 'runbook_sandbox on sandbox-1');
  });

  test('a URL password is masked whatever its length, even when not known', () => {
    const s = new Secrets(['unrelated-secret']);
    assert.equal(s.text('DATABASE_URL=postgresql://app:x@db:5432/app'), `DATABASE_URL=postgresql://app:${MASK}@db:5432/app`);
  });

  test('values: strings in rows, errors and verdicts masked; numbers equal to a secret replaced; others kept', () => {
    const s = new Secrets(['s3cr3t-value', 4242]);
    const masked = s.value({ rows: [['s3cr3t-value', 4242, 7, null, true]], error: { message: 'got "s3cr3t-value"', statementIndex: 0 } });
    assert.deepEqual(masked, { rows: [[MASK, MASK, 7, null, true]], error: { message: `got "${MASK}"`, statementIndex: 0 } });
  });

  test('the mask is fixed: it says nothing about the length', () => {
    assert.equal(new Secrets(['abcdefghij']).text('abcdefghij'), new Secrets(['abcdefghijklmnopqrstuvwxyz']).text('abcdefghijklmnopqrstuvwxyz'));
  });

  test('empty and blank values are no secret; regex characters are taken literally', () => {
    const s = new Secrets(['', '  ', undefined, null, 'a.b*c']);
    assert.equal(s.text('axbxc a.b*c'), `axbxc ${MASK}`);
  });

  test('passwordOf decodes the URL password', () => {
    assert.equal(passwordOf('postgres://u:p%40ss@h/d'), 'p@ss');
    assert.equal(passwordOf('postgres://u@h/d'), undefined);
    assert.equal(passwordOf('not a url'), undefined);
  });
});

test('masking copies only what it changes: nothing to mask gives the same value back, and the input is never changed', () => {
  const secrets = new Secrets(['hunter2-secret']);
  const quiet = { type: 'item_output', key: 'step:a', events: [{ type: 'notice', severity: 'NOTICE', message: 'notice number 1' }, { type: 'statement_started', index: 0, total: 2, text: 'SELECT 1', line: 1 }], at: 5 };
  assert.equal(secrets.value(quiet), quiet);
  const loud = { type: 'item_output', key: 'step:a', events: [{ type: 'notice', severity: 'NOTICE', message: 'quiet' }, { type: 'notice', severity: 'NOTICE', message: 'the password is hunter2-secret', detail: null }], at: 5 };
  const before = structuredClone(loud);
  const masked = secrets.value(loud);
  assert.deepEqual(loud, before);
  assert.deepEqual(masked, { ...before, events: [before.events[0], { ...before.events[1], message: `the password is ${MASK}` }] });
  assert.notEqual(masked, loud);
  assert.notEqual(masked.events, loud.events);
  assert.equal(masked.events[0], loud.events[0]);
  // A URL's password is masked with nothing else known; anything but a plain object still comes back as a plain copy.
  const url = { message: 'connect to postgres://app:pw@db/x failed' };
  assert.deepEqual(new Secrets().value(url), { message: `connect to postgres://app:${MASK}@db/x failed` });
  class Box {
    constructor(readonly text: string) {}
  }
  const boxed = new Secrets().value(new Box('x'));
  assert.equal(Object.getPrototypeOf(boxed), Object.prototype);
  assert.deepEqual(boxed, { text: 'x' });
});
