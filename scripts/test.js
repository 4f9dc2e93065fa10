#!/usr/bin/env node
// Runs the test suite against a real PostgreSQL: TEST_DATABASE_URL when given,
// otherwise an embedded PostgreSQL started here for the whole run.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../dist/src/exec/embedded.js';

// `node scripts/test.js --timescale` runs the TimescaleDB tests instead (dist/test/timescale): they
// need a TimescaleDB server, TIMESCALE_DATABASE_URL (bash scripts/timescaledb.sh), and are not part
// of the default run, so `npm test` works on a machine without one; CI runs both.
const timescale = process.argv[2] === '--timescale';
const args = process.argv.slice(timescale ? 3 : 2);
const TIMESCALE_DIR = join('dist', 'test', 'timescale');
/** Every compiled *.test.js under dir (support modules are not tests). */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === TIMESCALE_DIR && !timescale ? [] : testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}
const files = args.length > 0 ? args : testFiles(timescale ? TIMESCALE_DIR : join('dist', 'test'));
if (timescale && !process.env.TIMESCALE_DATABASE_URL) {
  console.error('test: TIMESCALE_DATABASE_URL is not set: start the server with `bash scripts/timescaledb.sh`, then');
  console.error('      TIMESCALE_DATABASE_URL=$(bash scripts/timescaledb.sh url) npm run test:timescale');
  process.exit(2);
}
// The runs the tests make are recorded in a folder of their own, never in the user's ~/.config/runbook.
if (!process.env.RUNBOOK_STATE_DIR) process.env.RUNBOOK_STATE_DIR = mkdtempSync(join(tmpdir(), 'runbook-test-state-'));
let server;
if (timescale) {
  console.log(`test: TimescaleDB tests on TIMESCALE_DATABASE_URL (${process.env.TIMESCALE_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})`);
} else if (!process.env.TEST_DATABASE_URL) {
  server = await startEmbeddedPostgres();
  process.env.TEST_DATABASE_URL = server.url;
  console.log(`test: embedded PostgreSQL on port ${server.port}`);
} else {
  console.log(`test: using TEST_DATABASE_URL (${process.env.TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')})`);
}
// Two reporters: node's own on stdout (spec on a terminal, TAP otherwise, as node picks), and the
// failures alone in a file, printed again after the run — and, when RUNBOOK_TEST_FAILURES names a
// file, appended there for CI to repeat at its very end.
const failuresDir = mkdtempSync(join(tmpdir(), 'runbook-test-failures-'));
const failuresFile = join(failuresDir, 'failures.txt');
const reporters = [
  `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout',
  `--test-reporter=${new URL('./failures-reporter.js', import.meta.url).href}`, `--test-reporter-destination=${failuresFile}`,
];
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...reporters, ...files], { stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
// A server that will not stop is said, not taken for a failed test: the tests' verdict is the code.
if (server) await server.stop().catch((err) => console.error(`test: the embedded PostgreSQL did not stop cleanly: ${err.message}`));
const failures = existsSync(failuresFile) ? readFileSync(failuresFile, 'utf8') : '';
rmSync(failuresDir, { recursive: true, force: true });
if (failures) {
  const heading = `test: failed (${timescale ? 'TimescaleDB tests' : server ? 'embedded PostgreSQL' : 'TEST_DATABASE_URL'}):`;
  console.log(`\n${heading}\n${failures}`);
  if (process.env.RUNBOOK_TEST_FAILURES) appendFileSync(process.env.RUNBOOK_TEST_FAILURES, `${heading}\n${failures}\n`);
}
process.exit(code);
