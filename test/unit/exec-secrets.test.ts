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

test('the substring test before the pattern never changes what is masked (seeded texts, with and without it)', () => {
  // Up to 8 forms, a text is searched for each form before the pattern runs; past 8 the pattern runs on every text.
  // Nine long secrets that never occur in the texts force the second way, so both must agree on every text.
  const never = Array.from({ length: 9 }, (_, i) => `zq-never-${i}-zq`);
  const cases = [['sandbox'], ['5432'], ['hunter2"pw!'], ['a.b*c', 'sandbox'], ['p@ss word']];
  const pieces = ['sandbox', 'sand', 'box', '5432', '127.0.0.1:', 'hunter2"pw!', 'hunter2%22pw!', 'hunter2\\"pw!', 'a.b*c', 'p@ss word', 'p%40ss%20word', ' ', '"', '=', '(', 'x', 'postgres://u:', '@h/d', '\n', 'é'];
  let seed = 17;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let masked = 0;
  for (const secrets of cases) {
    const quick = new Secrets(secrets);
    const full = new Secrets([...secrets, ...never]);
    for (let n = 0; n < 400; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 8) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      const a = quick.text(text);
      assert.equal(a, full.text(text), `masking ${JSON.stringify(text)} with ${JSON.stringify(secrets)}`);
      if (a !== text) masked++;
    }
  }
  assert.ok(masked > 300, `the texts hold secrets often enough to test masking (${masked} masked)`);
});

test('numbers and booleans are kept as they are when no secret is known, and masked when equal to one', () => {
  const row = [4242, true, 7n, 'postgres://u:pw@h/d'];
  const none = new Secrets().value(row);
  assert.equal(none[0], 4242);
  assert.equal(none[1], true);
  assert.equal(none[2], 7n);
  assert.equal(none[3], `postgres://u:${MASK}@h/d`);
  assert.deepEqual(new Secrets([4242, 'true', '7']).value(row), [MASK, MASK, MASK, `postgres://u:${MASK}@h/d`]);
});
