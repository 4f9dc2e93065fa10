// Finding runbooks in ./runbooks and RUNBOOK_PATH, and `runbook list`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listCommand } from '../../src/cli/commands/list.js';
import { defaultRunbookDirs, discoverRunbooks, findRunbookById } from '../../src/runbook/discover.js';

const good = `runbook: 1
id: good-one
title: A good runbook
risk: high
estimate: 5m
tags: [demo]
steps:
  - id: hello
    title: Say hello
    sql: SELECT 1
procedures:
  - id: undo
    title: Undo it
    steps:
      - { id: bye, title: Say goodbye, sql: SELECT 2 }
`;

function folders() {
  const root = mkdtempSync(join(tmpdir(), 'discover-'));
  const a = join(root, 'a');
  const b = join(root, 'b');
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, 'good.yaml'), good);
  writeFileSync(join(a, 'broken.yaml'), 'runbook: 1\nid: broken\ntitle: [unclosed\n');
  writeFileSync(join(a, 'notes.txt'), 'not a runbook');
  writeFileSync(join(b, 'invalid.yml'), 'runbook: 1\nid: Not An Id\ntitle: Invalid ids\nsteps: []\n');
  return { a, b };
}

test('RUNBOOK_PATH adds folders after ./runbooks, colon separated', () => {
  assert.deepEqual(defaultRunbookDirs({ RUNBOOK_PATH: '/srv/ops/runbooks::/home/me/rb' }, []), ['runbooks', '/srv/ops/runbooks', '/home/me/rb']);
  assert.deepEqual(defaultRunbookDirs({}, []), ['runbooks']);
  // Folders from the runbookDirs setting come last.
  assert.deepEqual(defaultRunbookDirs({ RUNBOOK_PATH: '/a' }, ['/team/runbooks']), ['runbooks', '/a', '/team/runbooks']);
});

test('finds *.yaml and *.yml, summarizes good files and lists broken ones with their error', async () => {
  const { a, b } = folders();
  const found = await discoverRunbooks([a, b, a, join(a, 'missing')]);
  assert.deepEqual(found.map((r) => r.file), [join(a, 'broken.yaml'), join(a, 'good.yaml'), join(b, 'invalid.yml')], 'each file once, folders in order');
  const [broken, ok, invalid] = found;
  assert.deepEqual(ok, {
    file: join(a, 'good.yaml'),
    id: 'good-one',
    title: 'A good runbook',
    risk: 'high',
    estimate: '5m',
    tags: ['demo'],
    procedures: [{ id: 'undo', title: 'Undo it' }],
  });
  assert.match(broken.error ?? '', new RegExp(`^${join(a, 'broken.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: YAML syntax`));
  assert.equal(broken.id, undefined);
  assert.match(invalid.error ?? '', /invalid\.yml:\d+:\d+: .*id/);
  assert.equal(invalid.title, 'Invalid ids', 'what can be read is still shown');
  assert.equal(await findRunbookById('good-one', [a, b]), join(a, 'good.yaml'));
  assert.equal(await findRunbookById('broken', [a, b]), undefined);
});

test('`runbook list` prints a table, or JSON, and names the broken files', async () => {
  const { a, b } = folders();
  const out: string[] = [];
  const err: string[] = [];
  assert.equal(await listCommand({}, (l) => out.push(l), (l) => err.push(l), [a, b]), 0);
  assert.match(out[0], /^ID\s+RISK\s+ESTIMATE\s+TITLE\s+FILE$/);
  assert.ok(out.some((l) => /^good-one\s+high\s+5m\s+A good runbook\s+.*good\.yaml$/.test(l)));
  assert.ok(out.some((l) => l.includes('procedure undo: Undo it')));
  assert.ok(out.some((l) => l.includes('does not load') && l.includes('broken.yaml')));
  assert.match(err.join('\n'), /2 runbook files do not load/);

  const json: string[] = [];
  assert.equal(await listCommand({ json: true }, (l) => json.push(l), () => {}, [a, b]), 0);
  assert.equal(JSON.parse(json.join('\n')).length, 3);
});

test('`runbook list` with nothing to list says where it looked', async () => {
  const out: string[] = [];
  const empty = mkdtempSync(join(tmpdir(), 'discover-empty-'));
  assert.equal(await listCommand({}, (l) => out.push(l), () => {}, [empty]), 0);
  assert.match(out.join('\n'), /No runbooks found in .*discover-empty-.*RUNBOOK_PATH/);
});
