import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchTroubleshooting, type Failure, type Troubleshooting } from '../../src/checks/troubleshoot.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { troubleshootingLines } from '../../src/report/plain.js';
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
  entry('plan-check-failed', { step: 'indexes', check: '/plan/' }),
  entry('any-check-failed', { check: true }),
];
/** The ids that match the failure, and the step's other known problems. */
const split = (t: Troubleshooting) => ({ matched: t.entries.slice(0, t.matched).map((e) => e.id), other: t.entries.slice(t.matched).map((e) => e.id) });
const ids = (t: Troubleshooting) => split(t).matched;

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
  assert.deepEqual(ids(matchTroubleshooting(entries, check, [])), ['already-exists-text', 'any-check-failed']);
});

test('check: matches a failed check (text or /regex/ against it), never an error', () => {
  const plan: Failure = { stepId: 'indexes', verdicts: [{ label: 'plan', ok: false, expected: '/Index Scan/', actual: 'Seq Scan on t' }] };
  assert.deepEqual(split(matchTroubleshooting(entries, plan, [])), { matched: ['plan-check-failed', 'any-check-failed'], other: ['index-step-only'] });
  const rows: Failure = { stepId: 'indexes', verdicts: [{ label: 'row count', ok: false, expected: 'rows = 0', actual: '3 rows' }] };
  assert.deepEqual(ids(matchTroubleshooting(entries, rows, [])), ['any-check-failed']);
  // An error with failed checks beside it (the step's SQL failed) is not "a failed check".
  const errored: Failure = { ...sqlFailure('indexes', '58P01', 'could not access file "$libdir/x": No such file or directory'), verdicts: plan.verdicts };
  assert.deepEqual(ids(matchTroubleshooting(entries, errored, [])), []);
});

test('all given criteria must hold; `step:` alone makes an entry one of the step’s other known problems, not a match', () => {
  assert.deepEqual(split(matchTroubleshooting(entries, { stepId: 'indexes', verdicts: [] }, [])), { matched: [], other: ['index-step-only', 'plan-check-failed'] });
  assert.deepEqual(ids(matchTroubleshooting(entries, sqlFailure('backfill', '23505', 'duplicate key'), [])), ['dupes-at-backfill']);
  assert.deepEqual(split(matchTroubleshooting(entries, sqlFailure('other', '23505', 'duplicate key'), [])), { matched: [], other: [] });
});

test('linked entries that match come first; linked entries that do not match follow as other known problems', () => {
  const found = matchTroubleshooting(entries, sqlFailure('x', '42P07', 'relation "t" already exists'), ['general-advice', 'already-exists-text', 'lock-timeout', 'missing-id']);
  assert.deepEqual(split(found), { matched: ['already-exists-text', 'relation-exists'], other: ['general-advice', 'lock-timeout'] });
  assert.deepEqual(split(matchTroubleshooting(entries, sqlFailure('x', '42601', 'syntax error'), ['relation-exists'])), { matched: [], other: ['relation-exists'] });
});

test('a bad regex does not throw, it just does not match', () => {
  assert.deepEqual(ids(matchTroubleshooting([entry('bad', { error: '/(/' })], sqlFailure('x', '1', '('), [])), []);
});

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

test('002: SQLSTATE 58P01 in the performance check is not answered with the “performance degradation” fix; a failed plan check is', async () => {
  const loaded = await loadRunbook(join(repo, 'runbooks', '002-multi-pair-support.yaml'));
  assert.ok(loaded.ok);
  const rb = loaded.runbook;
  const step = rb.steps.find((s) => s.id === 'performance-validation')!;
  const library = sqlFailure(step.id, '58P01', 'could not access file "$libdir/plpgsql": No such file or directory');
  const help = matchTroubleshooting(rb.troubleshooting, library, step.troubleshoot);
  assert.deepEqual(split(help), { matched: [], other: ['performance-degradation'] });
  const plain = troubleshootingLines(help).join('\n');
  assert.match(plain, /Troubleshooting: no entry matches this failure · 1 other known problem of this step\./);
  assert.match(plain, /Other known problems of this step \(they do not match this failure\):\n  • Performance degradation/);
  assert.doesNotMatch(plain, /Matches this failure/);

  const plan: Failure = { stepId: step.id, verdicts: [{ label: 'plan', ok: false, expected: '/Index Scan using idx_sessions_settlement_discovery/', actual: 'Seq Scan on sessions' }] };
  const found = matchTroubleshooting(rb.troubleshooting, plan, step.troubleshoot);
  assert.deepEqual(split(found), { matched: ['performance-degradation'], other: [] });
  assert.match(troubleshootingLines(found).join('\n'), /1 entry matches this failure\.\nMatches this failure:\n  • Performance degradation/);
});

test('an entry with a list of criteria matches when any one of them holds, each with its own step limit', () => {
  const either = [entry('either', [{ step: 'check-it', check: true }, { step: 'do-it', sqlstate: '58P01' }, { step: 'do-it', error: '/must be preloaded/' }])];
  const failedCheck: Failure = { stepId: 'check-it', verdicts: [{ label: 'installed', ok: false, expected: 'rows = 1', actual: '0 rows' }] };
  assert.deepEqual(split(matchTroubleshooting(either, failedCheck, [])), { matched: ['either'], other: [] });
  assert.deepEqual(split(matchTroubleshooting(either, sqlFailure('do-it', '58P01', 'could not open extension control file'), [])), { matched: ['either'], other: [] });
  assert.deepEqual(split(matchTroubleshooting(either, sqlFailure('do-it', 'XX000', 'extension "x" must be preloaded'), [])), { matched: ['either'], other: [] });
  // Each alternative keeps its own step: the same SQLSTATE in the checking step is not the match, only a known problem there.
  assert.deepEqual(split(matchTroubleshooting(either, sqlFailure('check-it', '58P01', 'could not open extension control file'), [])), { matched: [], other: ['either'] });
  assert.deepEqual(split(matchTroubleshooting(either, sqlFailure('elsewhere', '58P01', 'x'), [])), { matched: [], other: [] });
});

test('001: the CREATE EXTENSION error (58P01) and a failed TimescaleDB check are both answered with “TimescaleDB extension not found” as the match', async () => {
  const loaded = await loadRunbook(join(repo, 'runbooks', '001-sqlite-to-timescaledb.yaml'));
  assert.ok(loaded.ok);
  const rb = loaded.runbook;
  const enable = rb.steps.find((s) => s.id === 'enable-timescaledb')!;
  const missing = sqlFailure(enable.id, '58P01', 'could not open extension control file "/usr/share/postgresql/15/extension/timescaledb.control": No such file or directory');
  const help = matchTroubleshooting(rb.troubleshooting, missing, enable.troubleshoot);
  assert.equal(split(help).matched[0], 'timescaledb-not-found');
  const plain = troubleshootingLines(help).join('\n');
  assert.match(plain, /Matches this failure:\n  • TimescaleDB extension not found/);
  assert.doesNotMatch(plain, /Other known problems of this step \(they do not match this failure\):\n  • TimescaleDB extension not found/);
  const notPreloaded = sqlFailure(enable.id, '0A000', 'extension "timescaledb" must be preloaded');
  assert.equal(split(matchTroubleshooting(rb.troubleshooting, notPreloaded, enable.troubleshoot)).matched[0], 'timescaledb-not-found');
  // The prerequisite's failed check (the package is not there) is still the same entry's match.
  const available = rb.prerequisites.find((c) => c.id === 'timescaledb-available')!;
  const check: Failure = { stepId: 'timescaledb-available', verdicts: [{ label: available.title, ok: false, expected: 'rows = 1', actual: '0 rows' }] };
  assert.equal(split(matchTroubleshooting(rb.troubleshooting, check, [])).matched[0], 'timescaledb-not-found');
});
