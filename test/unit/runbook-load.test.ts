// Loading runbook files: every problem at once, located, in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadRunbook } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problems.js';
import { runbookJsonSchema } from '../../src/runbook/json-schema.js';

const fixture = (name: string) => new URL(`../../../test/fixtures/${name}`, import.meta.url).pathname;

async function problems(name: string): Promise<string[]> {
  const r = await loadRunbook(fixture(name));
  assert.equal(r.ok, false, `${name} should not load`);
  return r.problems.map(formatProblem);
}

test('a runbook with many problems lists every one, each with file:line:col', async () => {
  const lines = await problems('broken/many-problems.yaml');
  const text = lines.join('\n');
  assert.match(text, /many-problems\.yaml:4:7: risk: expected one of "low", "medium", "high", "critical", found the text "extreme"/);
  assert.match(text, /many-problems\.yaml:11:5: unknown key "colour" in steps\[0\]/);
  for (const line of lines) assert.match(line, /^.+\.yaml:\d+:\d+: /);
});

test('semantic problems are all listed: duplicate ids, missing refs and files, bad SQL, two actions, unknown inputs, bad conditions', async () => {
  // The same file with its schema problems removed: the lint's findings stand alone.
  const src = await readFile(fixture('broken/many-problems.yaml'), 'utf8');
  const { parseRunbook } = await import('../../src/runbook/load.js');
  const fixed = await parseRunbook(src.replace('risk: extreme', 'risk: high').replace('    colour: blue\n', ''), fixture('broken/many-problems.yaml'));
  assert.equal(fixed.ok, false);
  const text = fixed.problems.map(formatProblem).join('\n');
  assert.match(text, /duplicate step id "one"/);
  assert.match(text, /sql_file "does\/not\/exist\.sql" not found/);
  assert.match(text, /troubleshooting entry "no-such-entry" does not exist/);
  assert.match(text, /names sql and shell: expected exactly one/);
  assert.match(text, /SQL does not parse: .*SELEC/);
  assert.match(text, /\{\{ inputs\.nobody \}\} names no input: expected one of user_id/);
  assert.match(text, /invalid condition "between 5"/);
  assert.ok(fixed.problems.length >= 7, `expected at least 7 problems, got ${fixed.problems.length}`);
  for (const p of fixed.problems) assert.ok(p.line > 1, `problem located: ${formatProblem(p)}`);
});

test('bad YAML is reported with its line, not a stack trace', async () => {
  const [first] = await problems('broken/bad-yaml.yaml');
  assert.match(first, /bad-yaml\.yaml:\d+:\d+: YAML syntax: /);
  assert.doesNotMatch(first, /at .*\.js:\d+/);
});

test('wrong types say what was expected and what was found', async () => {
  const text = (await problems('broken/wrong-types.yaml')).join('\n');
  assert.match(text, /wrong-types\.yaml:3:8: title: expected string, found number 42/);
  assert.match(text, /steps\[0\]\.timeout/);
  assert.match(text, /steps\[0\]\.verify: expected array, found the text "not a list"/);
});

test('a missing file is one clear problem', async () => {
  const lines = await problems('nope.yaml');
  assert.deepEqual(lines.length, 1);
  assert.match(lines[0], /nope\.yaml:1:1: file not found/);
});

test('a good runbook loads frozen, with defaults filled', async () => {
  const r = await loadRunbook(fixture('ok/demo.yaml'));
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.equal(r.runbook.steps[0].transaction, 'auto');
  assert.equal(r.runbook.steps[0].skippable, false);
  assert.ok(Object.isFrozen(r.runbook.steps[0]));
});

test('the committed JSON Schema is the one generated from the zod schema', async () => {
  const committed = await readFile(new URL('../../../schema/runbook.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, runbookJsonSchema(), 'schema/runbook.schema.json is stale: run `node bin/runbook.js schema -o schema/runbook.schema.json`');
});
