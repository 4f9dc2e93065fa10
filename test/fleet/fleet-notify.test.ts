// Webhook notifications on a local HTTP server (127.0.0.1): a fleet's start
// and end, each run's start, block, failure and finish, as Slack-compatible
// JSON ({ text }); and no secret in any payload.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { passwordless, start } from './support.js';

const dbs: TestDatabase[] = [];
after(async () => {
  for (const d of dbs) await d.drop().catch(() => {});
});

test('webhooks: fleet and run events, Slack-compatible, no secret in any payload', { timeout: 90_000 }, async () => {
  const bodies: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      raw.push(body);
      bodies.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    for (let i = 0; i < 3; i++) dbs.push(await createTestDatabase('fleetnotify'));
    const [control, good, bad] = dbs;
    await good.client.query('CREATE TABLE vals (v text)');
    await bad.client.query('CREATE TABLE vals (v integer)'); // the secret lands in an error message here
    const secret = 's3cr3t-token-value-4242';
    const dir = mkdtempSync(join(tmpdir(), 'fleet-notify-'));
    const rb = join(dir, 'rb.yaml');
    writeFileSync(rb, `runbook: 1\nid: notify-test\ntitle: Notify\nrisk: low\ninputs:\n  token: { type: string, secret: true }\nsteps:\n  - id: store\n    title: Store the token\n    sql: "INSERT INTO vals (v) VALUES ({{ inputs.token }})"\n`);
    const targets = join(dir, 'targets.yaml');
    writeFileSync(targets, `name: notify\non_failure: continue\ntargets:\n  - { name: good, url: "${passwordless(good.url).url}" }\n  - { name: bad, url: "${passwordless(bad.url).url}" }\n`);
    const { url: controlUrl, password } = passwordless(control.url);
    const r = await start(['fleet', 'run', rb, '--targets', targets, '--control', controlUrl, '--workers', '2', '--state-dir', join(dir, 'state'), '--plain'], {
      PGPASSWORD: password,
      RUNBOOK_INPUT_TOKEN: secret,
      RUNBOOK_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
    }).done;
    assert.equal(r.code, 1, r.stderr);
    const kinds = bodies.map((b) => `${String(b.event)}${b.target ? `:${String(b.target).split(' ')[0]}` : ''}`).sort();
    assert.deepEqual(kinds, ['fleet_failed', 'fleet_started', 'run_blocked:bad', 'run_failed:bad', 'run_finished:good', 'run_started:bad', 'run_started:good'].sort());
    for (const b of bodies) assert.equal(typeof b.text, 'string', 'a text field, as Slack expects');
    const failed = bodies.find((b) => b.event === 'run_failed')!;
    assert.match(String(failed.text), /notify-test on bad .* failed — Store the token: invalid input syntax for type integer/);
    assert.match(String(failed.text), /\*\*\*/, "the secret was there, masked");
    const all = raw.join('\n');
    assert.ok(!all.includes(secret), 'the secret input is in no payload');
    if (password.length > 3) assert.ok(!all.includes(password), 'the password is in no payload');
  } finally {
    server.close();
  }
});
