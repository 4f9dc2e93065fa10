// OpenTelemetry traces of a run, through the standard OTLP/HTTP exporter to a
// real local HTTP receiver that decodes what it is sent (OTLP/HTTP JSON): one
// span for the run, one per step under it, one per statement under its step;
// lock waits as events on the statement's span; no secret in any attribute.
// Off unless configured: without an endpoint nothing is sent.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase } from '../support/db.js';
import { startCli } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/traces/traced.yaml', import.meta.url));
const SECRET = 'tok-9f2c41d7e0';

interface OtlpValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: { key: string; value: OtlpValue }[]; events?: { name: string; attributes?: { key: string; value: OtlpValue }[] }[]; status?: { code?: number } }

/** A receiver of OTLP/HTTP: every span of every request, decoded from JSON. */
async function receiver() {
  const spans: OtlpSpan[] = [];
  const bodies: string[] = [];
  const types = new Set<string>();
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      types.add(`${req.method} ${req.url} ${req.headers['content-type']}`);
      bodies.push(body);
      const doc = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
      for (const rs of doc.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { spans, bodies, types, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const cli = (args: string[], env: Record<string, string>) => startCli(args, { DATABASE_URL: '', ...env }).done;

const attr = (s: { attributes?: { key: string; value: OtlpValue }[] }, key: string) => {
  const v = s.attributes?.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue)));
};

const cleanup: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A database with the traced table, a state folder and a receiver, each cleaned up after the tests. */
async function setup(name: string) {
  const db = await createTestDatabase(name);
  cleanup.push(() => db.drop());
  const dir = mkdtempSync(join(tmpdir(), 'runbook-traces-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const otlp = await receiver();
  cleanup.push(() => otlp.close());
  await db.client.query('CREATE TABLE traced_t (id int)');
  return { db, dir, otlp };
}

test('a run sends its spans — run, steps, statements, lock waits as events — to the OTLP endpoint, with no secret in them', async () => {
  const { db, dir, otlp } = await setup('traces');

  // Another session reads the table for a while: the ALTER waits, times out and retries.
  const reader = new pg.Client({ connectionString: db.url });
  await reader.connect();
  cleanup.push(() => reader.end().catch(() => {}));
  await reader.query('BEGIN; LOCK TABLE traced_t IN ACCESS SHARE MODE');
  // Held until the ALTER has been seen waiting, and a second longer (attempts of 300 ms, 200 ms apart), whatever the machine's load.
  let stop = false;
  cleanup.push(() => void (stop = true));
  const released = (async () => {
    while (!stop) {
      const waiting = await db.client.query("SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'traced_t'::regclass AND NOT granted");
      if (waiting.rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000));
    await reader.query('COMMIT');
  })();

  const running = cli(['run', FIXTURE, '--db', db.url, '--plain', '--input', `token=${SECRET}`, '--state-dir', join(dir, 's')], { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'runbook-test' });
  const run = await running;
  stop = true;
  await released;
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.ok([...otlp.types].every((t) => t.startsWith('POST /v1/traces application/json')), [...otlp.types].join(', '));

  const byName = (re: RegExp) => otlp.spans.filter((s) => re.test(s.name));
  const [runSpan] = byName(/^runbook runbook traced$/);
  assert.ok(runSpan, otlp.spans.map((s) => s.name).join(', '));
  assert.equal(runSpan.parentSpanId || undefined, undefined, 'the run is the root');
  assert.equal(attr(runSpan, 'runbook.outcome'), 'succeeded');
  assert.equal(attr(runSpan, 'db.namespace'), db.name);
  assert.equal(attr(runSpan, 'runbook.run_id'), /run (\S+) · journal/.exec(run.stdout)![1]);

  const steps = byName(/^step /);
  assert.deepEqual(steps.map((s) => s.name).sort(), ['step alter', 'step fill']);
  for (const s of steps) {
    assert.equal(s.parentSpanId, runSpan.spanId, `${s.name} is under the run`);
    assert.equal(s.traceId, runSpan.traceId);
  }
  const fill = steps.find((s) => s.name === 'step fill')!;
  const alter = steps.find((s) => s.name === 'step alter')!;
  const statements = otlp.spans.filter((s) => s.parentSpanId === fill.spanId);
  assert.deepEqual(statements.map((s) => s.name), ['INSERT INTO', 'INSERT INTO']);
  assert.deepEqual(statements.map((s) => attr(s, 'runbook.statement.index')), [0, 1]);
  assert.equal(attr(statements[1], 'db.response.returned_rows'), 1);

  const alters = otlp.spans.filter((s) => s.parentSpanId === alter.spanId);
  assert.ok(alters.length >= 1 && alters.every((s) => s.name === 'ALTER TABLE'), alters.map((s) => s.name).join(', '));
  // Lock waits are events on the statement's span (or on the step's, for what is reported after the statement ended).
  const lockEvents = [...alters, alter].flatMap((s) => s.events ?? []).filter((e) => e.name.startsWith('lock.'));
  const attempts = lockEvents.filter((e) => e.name === 'lock.attempt');
  assert.ok(attempts.length >= 2, `the lock waits are events: ${JSON.stringify(lockEvents.map((e) => e.name))}`);
  const outcomes = attempts.map((e) => attr(e, 'lock.outcome'));
  assert.ok(outcomes.includes('lock_timeout') && outcomes.includes('done'), `timed out, then took its lock: ${outcomes.join(', ')}`);
  assert.ok(alters.flatMap((s) => s.events ?? []).some((e) => e.name === 'lock.wait' && /AccessExclusive/i.test(String(attr(e, 'lock.mode')))), 'the wait names the lock it waited for');

  // No secret anywhere in what was sent: the secret input, the database password (none here), the inputs' values.
  for (const body of otlp.bodies) assert.ok(!body.includes(SECRET), 'the secret input reached a span');
});

test('without an OTLP endpoint, nothing is sent and the SDK is not loaded', async () => {
  const { db, dir, otlp } = await setup('traces_off');
  const run = await cli(['run', FIXTURE, '--db', db.url, '--plain', '--input', `token=${SECRET}`, '--state-dir', join(dir, 's')], { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', NODE_DEBUG: 'module' });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(otlp.bodies.length, 0);
  assert.doesNotMatch(run.stderr, /@opentelemetry/, 'the OpenTelemetry SDK was loaded although no endpoint is set');
});
