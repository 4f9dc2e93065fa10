import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchTroubleshooting, type Failure } from '../../src/checks/troubleshoot.js';
import type { TroubleshootingEntry } from '../../src/runbook/schema.js';

const entry = (id: string, match?: TroubleshootingEntry['match']): TroubleshootingEntry => ({ id, title: id, match });
const entries = [
  entry('relation-exists', { sqlstate: '42P07' }),
  entry('lock-timeout', { sqlstate: ['55P03', '57014'] }),
  entry('already-exists-text', { error: '/already exists/i' }),
  entry('disk-full', { error: 'No space left on device' }),
  entry('index-step-only', { step: 'indexes' }),
  entry('dupes-at-backfill', { sqlstate: '23505', step: 'backfill' }),
  entry('general-advice'),
];
const ids = (found: TroubleshootingEntry[]) => found.map((e) => e.id);

function sqlFailure(stepId: string, sqlstate: string, message: string): Failure {
  return { stepId, error: { kind: 'sql', sqlstate, message }, verdicts: [] };
}

test('matches by sqlstate, a string or a list', () => {
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('x', '42P07', 'relation "t" already exists'), [])), ['relation-exists', 'already-exists-text']);
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('x', '57014', 'canceling statement due to statement timeout'), [])), ['lock-timeout']);
});

test('matches error text (case-insensitive) and /regex/ against the error and the failed checks', () => {
  const shell: Failure = { stepId: 'x', error: { kind: 'shell', message: 'command exited with code 1: no space left on device' }, verdicts: [] };
  assert.deepEqual(ids(matchTroubleshooting(entries, shell, [])), ['disk-full']);
  const check: Failure = { stepId: 'x', verdicts: [{ label: 'notice', ok: false, expected: 'x', actual: 'index already exists' }, { label: 'ok', ok: true, expected: 'x', actual: 'No space left on device' }] };
  assert.deepEqual(ids(matchTroubleshooting(entries, check, [])), ['already-exists-text']);
});

test('matches by step id; all given criteria must hold', () => {
  assert.deepEqual(ids(matchTroubleshooting(entries, { stepId: 'indexes', verdicts: [] }, [])), ['index-step-only']);
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('backfill', '23505', 'duplicate key'), [])), ['dupes-at-backfill']);
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('other', '23505', 'duplicate key'), [])), []);
});

test('entries the step links come first; a linked entry without criteria always applies', () => {
  const found = matchTroubleshooting(entries, sqlFailure('x', '42P07', 'relation "t" already exists'), ['general-advice', 'already-exists-text', 'missing-id']);
  assert.deepEqual(ids(found), ['general-advice', 'already-exists-text', 'relation-exists']);
});

test('a linked entry whose criteria do not fit is left out', () => {
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('x', '42601', 'syntax error'), ['relation-exists'])), []);
});

test('a bad regex does not throw, it just does not match', () => {
  assert.deepEqual(ids(matchTroubleshooting([entry('bad', { error: '/(/' })], sqlFailure('x', '1', '('), [])), []);
});
