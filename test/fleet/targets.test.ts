// The targets file: waves by count, percent and labels; every problem with file:line:col; no password in the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTargets } from '../../src/fleet/targets.js';
import { targetsJsonSchema } from '../../src/fleet/targets-json-schema.js';
import { failureStop } from '../../src/fleet/coordinator.js';
import { answersFromFlags } from '../../src/fleet/start.js';
import { parseServiceFile, serviceUrl } from '../../src/fleet/target-url.js';
import { parseRunbook } from '../../src/runbook/load.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const list = (n: number, extra = '') => Array.from({ length: n }, (_, i) => `  - { name: t${i + 1}, url: "postgres://app@db${i + 1}/x"${i === 4 ? ', labels: { region: eu }' : ''}${extra} }`).join('\n');

test('waves: a canary of 1, 30 % of all, then the rest', () => {
  const r = parseTargets(`concurrency: 5\nwaves:\n  - count: 1\n  - percent: 30\n  - {}\ntargets:\n${list(30)}\n`, 'targets.yaml');
  assert.ok(r.ok);
  assert.deepEqual(r.plan.waves.map((w) => [w.name, w.canary, w.targets.length, w.concurrency]), [['canary', true, 1, 5], ['wave 2', false, 9, 5], ['wave 3', false, 20, 5]]);
  assert.equal(r.plan.targets[0].wave, 0);
  assert.equal(r.plan.targets[29].wave, 2);
  assert.equal(r.plan.waves[2].gate, null, 'no gate after the last wave');
});

test('waves by labels take the matching targets first; what is left forms a last wave', () => {
  const r = parseTargets(`gate: { soak: 30s, approve: true }\nwaves:\n  - { name: eu-first, labels: { region: eu }, concurrency: 2 }\ntargets:\n${list(6)}\n`, 't.yaml');
  assert.ok(r.ok);
  assert.deepEqual(r.plan.waves.map((w) => [w.name, w.targets, w.concurrency]), [['eu-first', ['t5'], 2], ['rest', ['t1', 't2', 't3', 't4', 't6'], 5]]);
  assert.deepEqual(r.plan.waves[0].gate, { soakMs: 30_000, approve: true });
});

test('every problem at once, with line and column; a password in a URL is refused', () => {
  const text = [
    'concurrency: 0',
    'waves:',
    '  - { count: 2, percent: 10 }',
    'targets:',
    '  - { name: a, url: "postgres://app:s3cret@db/x" }',
    '  - { name: a, service: svc }',
    '  - { name: b }',
    '  - { name: c, url: "postgres://app@db/x?password=hunter2" }',
  ].join('\n');
  const zod = parseTargets(text, 'f.yaml');
  assert.ok(!zod.ok);
  assert.match(zod.problems[0].message, /concurrency: expected at least 1/);
  assert.equal(zod.problems[0].line, 1);
  const r = parseTargets(text.replace('concurrency: 0', 'concurrency: 2'), 'f.yaml');
  assert.ok(!r.ok);
  const lines = r.problems.map((p) => `${p.line}:${p.column} ${p.message}`);
  assert.ok(lines.some((l) => /^5:\d+ .*holds a password.*~\/\.pgpass/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^6:\d+ .*"a" is used twice/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^7:\d+ .*exactly one of url, service or env/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^8:\d+ .*holds a password/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^3:\d+ .*one of count, percent or labels/.test(l)), lines.join('\n'));
  assert.ok(!JSON.stringify(r.problems).includes('s3cret') && !JSON.stringify(r.problems).includes('hunter2'), 'the password is not repeated');
});

test('a wave that selects nothing is a problem', () => {
  const r = parseTargets(`waves:\n  - { labels: { region: us } }\ntargets:\n${list(2)}\n`, 'f.yaml');
  assert.ok(!r.ok);
  assert.match(r.problems[0].message, /selects no target/);
  assert.equal(r.problems[0].line, 2);
});

test('the failure policy: canary, stop, continue, max_fail_percentage', () => {
  const plan = (onFailure: 'stop' | 'continue', maxFailPercentage: number | null) => ({ plan: { file: '', onFailure, maxFailPercentage, waves: [] } });
  const wave = { name: 'w', canary: false };
  assert.match(failureStop(plan('continue', null), { name: 'canary', canary: true }, 1, 1)!, /canary/);
  assert.match(failureStop(plan('stop', null), wave, 1, 10)!, /on_failure: stop/);
  assert.equal(failureStop(plan('continue', null), wave, 9, 10), null);
  assert.equal(failureStop(plan('stop', 20), wave, 2, 10), null, '20% is not more than 20%');
  assert.match(failureStop(plan('stop', 20), wave, 3, 10)!, /30% > max_fail_percentage 20/);
  assert.equal(failureStop(plan('stop', null), wave, 0, 10), null);
});

test('the JSON Schema is generated from the zod schema and committed', () => {
  const committed = readFileSync(new URL('../../../schema/targets.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, targetsJsonSchema(), 'schema/targets.schema.json is stale: runbook schema --targets -o schema/targets.schema.json');
});

test('libpq service file: sections, comments, a URL built from it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'svc-'));
  const file = join(dir, 'pg_service.conf');
  writeFileSync(file, '# tenants\n[tenant7]\nhost=db7.internal\nport=6432\ndbname=tenant 7\nuser=app\nsslmode=require\n');
  assert.deepEqual(parseServiceFile('[a]\nhost = x\n'), { a: { host: 'x' } });
  const url = new URL(serviceUrl('tenant7', { PGSERVICEFILE: file }));
  assert.equal(url.hostname, 'db7.internal');
  assert.equal(url.port, '6432');
  assert.equal(decodeURIComponent(url.pathname), '/tenant 7');
  assert.equal(url.searchParams.get('sslmode'), 'require');
  assert.throws(() => serviceUrl('nope', { PGSERVICEFILE: file }), /service "nope" is not defined/);
});

test('answers given once: inputs, confirmations with --yes, a destructive step needs the fleet name and the count', async () => {
  const loaded = await parseRunbook(
    `runbook: 1\nid: d\ntitle: D\ninputs:\n  n: { type: integer }\n  token: { type: string, secret: true }\nprerequisites:\n  - { id: backup, title: Backup, confirm: I have a backup }\nsteps:\n  - { id: drop, title: Drop, sql: DROP TABLE old_things }\n`,
    join(mkdtempSync(join(tmpdir(), 'rb-')), 'd.yaml'),
  );
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  const targets = parseTargets(`targets:\n${list(3)}\n`, 't.yaml');
  assert.ok(targets.ok);
  const none = answersFromFlags(loaded.runbook, targets.plan, 'f1', 'alice', { input: ['token=x'] });
  assert.ok(!none.answers);
  const text = none.problems.join('\n');
  assert.match(text, /secret input is not stored.*RUNBOOK_INPUT_TOKEN/);
  assert.match(text, /input n is needed by every target: pass --input n=VALUE/);
  assert.match(text, /1 manual confirmation.*--yes/);
  assert.match(text, /--confirm-danger f1 --confirm-count 3/);
  const wrongCount = answersFromFlags(loaded.runbook, targets.plan, 'f1', 'alice', { input: ['n=2'], yes: true, confirmDanger: 'f1', confirmCount: '30' });
  assert.match(wrongCount.problems.join('\n'), /must be the number of targets \(3\), not 30/);
  const ok = answersFromFlags(loaded.runbook, targets.plan, 'f1', 'alice', { input: ['n=2'], yes: true, confirmDanger: 'f1', confirmCount: '3' });
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.answers!.inputs, { n: '2' });
  assert.deepEqual(ok.answers!.confirmed!.texts, ['I have a backup']);
  assert.equal(ok.answers!.danger!.count, 3);
});
