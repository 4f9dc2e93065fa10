// Locating from js-yaml's node events (src/runbook/yaml-tree.ts) must put every
// path where the `yaml` library's document puts it, or decline and let that
// library answer: compared on every path of the shipped runbooks and of
// YAML written to trip the pairing of keys and values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Locator, type PathKey } from '../../src/runbook/problems.js';
import { readYaml } from '../../src/runbook/yaml-source.js';

const runbooks = new URL('../../../runbooks/', import.meta.url).pathname;

/** Every path to a node in the data, containers and scalars alike. */
function paths(data: unknown, base: PathKey[] = []): PathKey[][] {
  if (data === null || typeof data !== 'object') return [base];
  const entries: [PathKey, unknown][] = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  return [base, ...entries.flatMap(([k, v]) => paths(v, [...base, k]))];
}

/** For each path: the node locator's answer (or undefined) and the `yaml` library's. */
function compare(text: string): { located: number; declined: number; steps: string[] } {
  const read = readYaml(text, 'x.yaml', { nodes: true });
  assert.ok(read.ok);
  const library = new Locator('x.yaml', read.positions);
  let located = 0;
  let declined = 0;
  const steps: string[] = [];
  for (const path of paths(read.data)) {
    const found = read.nodes!(path);
    if (!found) {
      declined++;
      continue;
    }
    located++;
    const { line, column } = library.at(path, '');
    assert.deepEqual(found, { line, column }, `${JSON.stringify(path)} in:\n${text.slice(0, 400)}`);
    if (path.at(-1) === 'sql') steps.push(path.join('.'));
  }
  return { located, declined, steps };
}

test('every path of the shipped runbooks is located where the yaml library locates it, inline sql included', () => {
  const files = readdirSync(runbooks).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 5);
  for (const file of files) {
    const text = readFileSync(join(runbooks, file), 'utf8');
    const { located, declined, steps } = compare(text);
    // The shipped runbooks are plain YAML: nothing needs the yaml library to be located.
    assert.equal(declined, 0, `${file}: ${declined} paths declined`);
    assert.ok(located > 100, `${file}: ${located} paths`);
    assert.ok(steps.length > 0, `${file}: no inline sql located`);
  }
});

test('irregular YAML is located as the yaml library does, or declined', () => {
  const cases: [text: string, declines: boolean][] = [
    // Flow mappings, quoted keys, comments between key and value, block scalars with indicators.
    ['steps:\n  - {id: a, sql: "SELECT 1"}\n  - "id": b\n    sql: # the query\n      SELECT 2\n', false],
    ['steps:\n- id: a\n  sql: |-\n    SELECT 1;\n    SELECT 2;\n- id: b\n  sql: >\n    SELECT\n    3\n', false],
    ['# head\n\nsteps: [ {id: a}, [1, 2], x ]\n', false],
    ['a:\n  b:\n    - - 1\n      - 2\n    -\n      c: d\n', false],
    ["k: 'it''s'\nm: \"two\\nlines\"\n", false],
    ['crlf:\r\n  a: 1\r\n  b:\r\n    - x\r\n', false],
    // Keys without values, explicit keys, empty values, anchors and aliases, numeric keys, a byte-order mark: declined.
    ['m: {a, b: 1}\n', true],
    ['m: {a, b}\n', true],
    ['m:\n  ? a\n  ? b\n  c: 1\n', true],
    ['a:\nb: 1\n', true],
    ['a: &x\n  b: 1\nc: *x\n', true],
    ['1: one\n2: two\n', true],
    ['\ufeffa: 1\n', true],
  ];
  for (const [text, declines] of cases) {
    const { declined } = compare(text);
    if (!declines) assert.equal(declined, 0, `declined a path of:\n${text}`);
    else assert.ok(declined > 0, `located every path of:\n${text}`);
  }
});
