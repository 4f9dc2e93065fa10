import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCondition, parseCondition, testCondition, validateCondition } from '../../src/checks/conditions.js';

function holds(condition: string | number | boolean | null, actual: unknown): boolean {
  return testCondition(condition, actual).ok;
}

test('= compares numbers numerically, including pg bigint/numeric text', () => {
  assert.ok(holds('= 0', 0));
  assert.ok(holds('= 18661', '18661'));
  assert.ok(holds(18661, '18661'));
  assert.ok(holds('= 1.50', '1.5'));
  assert.ok(holds('= 10', 10n));
  assert.ok(!holds('= 0', 3));
  assert.ok(!holds('= 0', 'zero'));
  assert.ok(!holds('= 0', null));
});

test('bigints past 2^53 are compared exactly', () => {
  assert.ok(holds('= 9007199254740993', '9007199254740993'));
  assert.ok(!holds('= 9007199254740993', '9007199254740992'));
  assert.ok(holds('> 9007199254740992', '9007199254740993'));
});

test('!= and <> are inequality; NULL satisfies no comparison', () => {
  assert.ok(holds("!= ''", 'x'));
  assert.ok(!holds("!= ''", ''));
  assert.ok(!holds("!= ''", null));
  assert.ok(holds('<> 5', 4));
  assert.ok(!holds('!= 5', '5'));
});

test('< <= > >= order numbers', () => {
  assert.ok(holds('>= 120000', '160002'));
  assert.ok(holds('>= 120000', 120000));
  assert.ok(!holds('>= 120000', '110005'));
  assert.ok(holds('> 1', 2));
  assert.ok(!holds('> 1', 1));
  assert.ok(holds('< 1', 0));
  assert.ok(holds('<= 1', 1));
  assert.ok(!holds('<= 1', 2));
  assert.ok(!holds('> 1', 'abc'));
  assert.ok(!holds('> 1', null));
});

test('durations compare against milliseconds and show the actual as a duration', () => {
  assert.ok(holds('< 1s', 999));
  assert.ok(!holds('< 1s', 1000));
  assert.ok(holds('<= 200ms', 200));
  assert.ok(holds('< 2m', 119_000));
  assert.ok(holds('between 1s and 2s', 1500));
  const r = testCondition('< 1s', 1420);
  assert.deepEqual(r, { ok: false, expected: '< 1s', actual: '1.42 s' });
});

test('between is inclusive at both ends', () => {
  assert.ok(holds('between 1 and 10', 1));
  assert.ok(holds('between 1 and 10', '10'));
  assert.ok(!holds('between 1 and 10', 11));
  assert.ok(!holds('between 1 and 10', 0));
  assert.ok(!holds('between 1 and 10', null));
  assert.equal(testCondition('BETWEEN 1 AND 10', 5).expected, 'between 1 and 10');
});

test('regex conditions match the value as text, with flags', () => {
  assert.ok(holds('/^Index Scan/i', 'index scan using idx_x'));
  assert.ok(!holds('/^Index Scan/', 'Seq Scan on t'));
  assert.ok(holds('/^\\d+$/', 42));
  assert.ok(!holds('/x/', null));
  assert.equal(testCondition('/^a/i', 'b').expected, 'matches /^a/i');
});

test('is null / not null, and YAML null', () => {
  assert.ok(holds('is null', null));
  assert.ok(holds(null, null));
  assert.ok(holds('IS NULL', undefined));
  assert.ok(!holds('is null', 0));
  assert.ok(holds('not null', 0));
  assert.ok(holds('is not null', ''));
  assert.ok(!holds('not null', null));
  assert.ok(holds('= null', null));
  assert.ok(holds('!= null', 'x'));
});

test('a bare value means equality', () => {
  assert.ok(holds('AAPL', 'AAPL'));
  assert.ok(!holds('AAPL', 'aapl'));
  assert.ok(holds(0, '0'));
  assert.ok(holds('0', 0));
  assert.ok(holds('', ''));
  assert.equal(testCondition('AAPL', 'MSFT').expected, '= "AAPL"');
});

test('quoted strings are text', () => {
  assert.ok(holds("= 'active'", 'active'));
  assert.ok(holds('= "it\'s"', "it's"));
  assert.ok(holds("= 'it''s'", "it's"));
  assert.ok(holds('= active', 'active'));
});

test('booleans as YAML gives them, against pg booleans, SQLite 1/0 and t/f text', () => {
  assert.ok(holds(true, true));
  assert.ok(holds(true, 1));
  assert.ok(holds(false, 0));
  assert.ok(holds(true, 't'));
  assert.ok(holds('= false', 'f'));
  assert.ok(!holds(true, false));
  assert.ok(!holds(true, 'yes please'));
});

test('dates order against Date values and ISO text', () => {
  assert.ok(holds('>= 2024-01-01', new Date('2024-06-01T00:00:00Z')));
  assert.ok(!holds('> 2024-01-01', new Date('2023-12-31T00:00:00Z')));
  assert.ok(holds('< 2024-01-01', '2023-05-05'));
});

test('expected and actual words', () => {
  assert.deepEqual(testCondition('>= 120000', '110005'), { ok: false, expected: '>= 120000', actual: '110005' });
  assert.deepEqual(testCondition("!= ''", ''), { ok: false, expected: '!= ""', actual: '""' });
  assert.deepEqual(testCondition('not null', null), { ok: false, expected: 'is not null', actual: 'NULL' });
  assert.deepEqual(testCondition('= AAPL', 'MSFT'), { ok: false, expected: '= "AAPL"', actual: '"MSFT"' });
  assert.equal(describeCondition(parseCondition('==  3')), '= 3');
});

test('malformed conditions are reported clearly', () => {
  assert.equal(validateCondition('>= 1'), null);
  assert.equal(validateCondition(null), null);
  assert.match(validateCondition('>=') ?? '', /missing a value after ">="/);
  assert.match(validateCondition('between 1') ?? '', /between LOW and HIGH/);
  assert.match(validateCondition('between 10 and 1') ?? '', /low end is greater/);
  assert.match(validateCondition('> abc') ?? '', /needs a number, a duration .* or a date/);
  assert.match(validateCondition('/(unclosed/') ?? '', /not a valid regular expression/);
  assert.match(validateCondition('/^Index Scan/x') ?? '', /"x" is not a flag/);
  assert.match(validateCondition('=> 5') ?? '', /unknown operator/);
  assert.match(validateCondition('> null') ?? '', /NULL cannot be ordered/);
  assert.throws(() => parseCondition('>='), /missing a value/);
});

test('paths are plain text, not regexes', () => {
  assert.ok(holds('/var/lib/postgresql/16/main', '/var/lib/postgresql/16/main'));
  assert.ok(holds('/usr/bin', '/usr/bin'));
});
