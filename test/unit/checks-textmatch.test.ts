import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRegexLiteral, parseTextMatch, validateTextMatch } from '../../src/checks/textmatch.js';

test('plain text is a substring match; /regex/flags a regex', () => {
  assert.ok(parseTextMatch('CREATE INDEX').test('x\nCREATE INDEX\n'));
  assert.ok(!parseTextMatch('create index').test('CREATE INDEX'));
  assert.ok(parseTextMatch('create index', { ignoreCase: true }).test('CREATE INDEX'));
  assert.ok(parseTextMatch('/^Index Scan/i').test('Limit\nindex scan using x'));
  assert.deepEqual(parseTextMatch('/Seq Scan/').findLine('Limit\n  ->  Seq Scan on t'), { line: 2, text: '  ->  Seq Scan on t' });
});

test('the g flag does not make repeated tests flip', () => {
  const m = parseTextMatch('/a/g');
  assert.ok(m.test('a'));
  assert.ok(m.test('a'));
});

test('paths stay text; bad regexes are errors', () => {
  assert.equal(parseRegexLiteral('/var/lib/data'), null);
  assert.equal(parseRegexLiteral('/usr/bin'), null);
  assert.equal(validateTextMatch('/usr/bin'), null);
  assert.match(validateTextMatch('/[a-/') ?? '', /not a valid regular expression/);
  assert.match(validateTextMatch('/^Seq Scan/q') ?? '', /"q" is not a flag/);
});
