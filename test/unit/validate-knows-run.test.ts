// validate knows what run knows: what run would reject (or silently get wrong)
// is a problem at file:line:col before anything runs, with what to write instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problems.js';

async function problems(yaml: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'validate-run-'));
  const file = join(dir, 'rb.yaml');
  writeFileSync(file, yaml);
  const loaded = await loadRunbook(file, { allowedDirs: [] });
  assert.equal(loaded.ok, false, 'the runbook must be refused');
  return loaded.ok ? [] : loaded.problems.map((p) => formatProblem(p).slice(file.length + 1));
}

const BAD = `runbook: 1
id: bad
title: Bad
inputs:
  count: { type: integer, default: lots }
  name: { type: string, default: x }
  level: { type: number, default: 5, max: 3 }
steps:
  - id: one
    title: One
    sql: SELECT 1
    expect: { rows: "exactly 1" }
  - id: two
    title: Two
    sql: CREATE INDEX CONCURRENTLY i ON t (a)
    transaction: always
  - id: three
    title: Three
    sql: SELECT '{{ inputs.name }}' AS v
  - id: four
    title: Four
    shell: echo {{ inputs.name }}
  - id: five
    title: Five
    shell: echo hi
    expect: { exit_code: "zero", duration: "fast" }
  - id: six
    title: Six
    sql: SELECT count(*) AS n FROM pg_class WHERE relname = {{ inputs.name }}
    expect: { rows: ">= 1", duration: "< 2s", row: { n: "anything goes for a column" } }
`;

test('every thing run would reject is a problem at its line and column, with what to write instead', async () => {
  const found = await problems(BAD);
  const expected = [
    /^5:\d+: default of input "count": expected a whole number, got "lots"$/,
    /^7:\d+: default of input "level": expected at most 3, got 5$/,
    /^12:\d+: rows: "exactly 1" is not a condition on a number: expected a number or a comparison with one, e\.g\. 1, ">= 1"/,
    /^15:\d+: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and this one runs inside the step’s transaction \(transaction: always\) \[cannot-run-in-transaction\]/,
    /^19:18: \{\{ inputs\.name \}\} is inside a string literal, where it would not become a bind parameter\. Put it outside the quotes/,
    /^22:\d+: \{\{ inputs\.name \}\} in shell text is never replaced \(inputs never become shell text\): write "\$RUNBOOK_INPUT_NAME"/,
    /^26:\d+: exit_code: "zero" is not a condition on a number/,
    /^26:\d+: duration: "fast" is not a condition on a duration: expected a comparison with a duration, e\.g\. "< 1s"/,
  ];
  for (const re of expected) assert.ok(found.some((p) => re.test(p)), `${re} in:\n${found.join('\n')}`);
  assert.equal(found.length, expected.length, found.join('\n'));
});

test('an unknown key gets "did you mean …" and the list of the keys allowed there', async () => {
  const found = await problems(`runbook: 1
id: typo
title: Typo
steps:
  - id: one
    title: One
    sql: SELECT 1
    verfiy: []
    expect: { rowz: 1 }
`);
  assert.match(found.join('\n'), /^8:5: unknown key "verfiy" in steps\[0\] \(did you mean "verify"\?\): expected one of id, title, explain, sql, sql_file, shell, .*verify.*, skippable/m);
  assert.match(found.join('\n'), /^9:15: unknown key "rowz" in steps\[0\]\.expect \(did you mean "rows"\?\): expected one of rows, no_rows, row, every_row, some_row, notices, output/m);
});

test('a key far from every allowed one gets the list without a guess', async () => {
  const found = await problems(`runbook: 1
id: far
title: Far
steps:
  - { id: one, title: One, sql: SELECT 1, zzzzzzzz: 1 }
`);
  assert.match(found.join('\n'), /unknown key "zzzzzzzz" in steps\[0\]: expected one of id, title/);
  assert.doesNotMatch(found.join('\n'), /did you mean/);
});

test('troubleshooting criteria, one set or a list of alternatives: each bad one at its own line', async () => {
  const found = await problems(`runbook: 1
id: criteria
title: Criteria
steps:
  - { id: one, title: One, sql: SELECT 1 }
troubleshooting:
  - id: single
    title: One set
    match: { step: nope, error: "/(unclosed/" }
  - id: alternatives
    title: A list
    match:
      - { step: one, check: true }
      - { step: gone, sqlstate: 58P01 }
      - { check: "/[z-a]/" }
      - { sqlstat: 58P01 }
      - {}
  - id: empty
    title: An empty list
    match: []
`);
  const expected = [
    /^9:\d+: step "nope" does not exist in this runbook$/,
    /^9:\d+: .*regular expression/,
    /^14:\d+: step "gone" does not exist in this runbook$/,
    /^15:\d+: .*regular expression/,
    /^16:\d+: unknown key "sqlstat" in troubleshooting\[1\]\.match\[3\] \(did you mean "sqlstate"\?\)/,
    /^17:\d+: these criteria say nothing: expected sqlstate, error, check or step$/,
    /^20:\d+: troubleshooting\[2\]\.match: expected at least 1 item/,
  ];
  for (const re of expected) assert.ok(found.some((p) => re.test(p)), `${re} in:\n${found.join('\n')}`);
});
