// `runbook config`: the settings shown, read, changed and checked, in the state folder's runbook.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { configCommand } from '../../src/cli/commands/config.js';
import { openStore, type RunIndexEntry } from '../../src/journal/store.js';

function config(stateDir: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = configCommand(args, { stateDir }, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('config shows every setting, where the file is, and what an unset one means', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  const r = config(dir);
  assert.equal(r.code, 0);
  assert.match(r.out, new RegExp(`^settings file: ${join(dir, 'runbook.json')}$`, 'm'));
  for (const key of ['operator', 'recordInDb', 'runbookDirs']) assert.match(r.out, new RegExp(`^${key}\\s.*\\[not set\\]$`, 'm'));
});

test('set, get and unset each setting; the run index in the same file is kept', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  const store = openStore(dir);
  const entry: RunIndexEntry = { id: 'r1', runbook: 'demo', title: 'Demo', file: '/x', kind: 'runbook', target: 't', database: 'db', operator: 'a@b', startedAt: 5, journal: store.journalPath('r1') };
  store.remember(entry);

  assert.equal(config(dir, 'set', 'operator', 'alice', 'on', 'call').code, 0);
  assert.equal(config(dir, 'get', 'operator').out, 'alice on call');
  assert.equal(config(dir, 'set', 'recordInDb', 'true').code, 0);
  assert.equal(config(dir, 'get', 'recordInDb').out, 'true');
  assert.equal(config(dir, 'set', 'runbookDirs', 'team-runbooks:/srv/runbooks').code, 0);
  assert.deepEqual(openStore(dir).settings(), { operator: 'alice on call', recordInDb: true, runbookDirs: [resolve('team-runbooks'), '/srv/runbooks'] });

  assert.equal(config(dir, 'unset', 'operator').code, 0);
  assert.equal(config(dir, 'get', 'operator').out, '');
  const saved = JSON.parse(readFileSync(join(dir, 'runbook.json'), 'utf8'));
  assert.deepEqual(Object.keys(saved.runs), ['r1'], 'the run index is untouched');
  assert.equal(saved.settings.operator, undefined);
});

test('a wrong value or an unknown setting is refused with what is expected, and nothing is written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  config(dir, 'set', 'recordInDb', 'false');
  const before = readFileSync(join(dir, 'runbook.json'), 'utf8');
  const bad = config(dir, 'set', 'recordInDb', 'yes');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /recordInDb: expected true or false, found "yes"/);
  const unknown = config(dir, 'set', 'colour', 'red');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no setting "colour": the settings are operator, recordInDb, runbookDirs/);
  assert.match(config(dir, 'set', 'operator', '  ').err, /operator: expected a name/);
  assert.match(config(dir, 'frobnicate').err, /usage: runbook config/);
  assert.equal(readFileSync(join(dir, 'runbook.json'), 'utf8'), before);
});
