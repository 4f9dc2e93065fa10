import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runShell, type ShellRequest } from '../../src/exec/shell.js';
import { KEPT_OUTPUT_CHARS, type ExecEvent } from '../../src/exec/types.js';

function request(command: string, fields: Partial<ShellRequest> = {}): ShellRequest {
  return { command, cwd: tmpdir(), env: {}, ...fields };
}

async function run(command: string, fields: Partial<ShellRequest> = {}, signal?: AbortSignal) {
  const events: ExecEvent[] = [];
  const result = await runShell(request(command, fields), (e) => events.push(e), signal);
  const lines = events.flatMap((e) => (e.type === 'output' ? [`${e.stream}: ${e.line}`] : []));
  return { result, events, lines };
}

/** Running, not merely a zombie waiting for init to reap it (killed is what matters). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test('lines stream as they arrive, in order, tagged by stream', async () => {
  const arrivals: number[] = [];
  const started = Date.now();
  const result = await runShell(request('echo one; sleep 0.3; echo two; echo oops >&2; sleep 0.3; echo three'), (e) => {
    if (e.type === 'output' && e.stream === 'stdout') arrivals.push(Date.now() - started);
  });
  assert.equal(result.ok, true);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.output.split('\n').filter((l) => l !== 'oops'), ['one', 'two', 'three']);
  assert.ok(result.output.includes('oops'));
  // "one" arrived well before the command finished: it was not buffered to the end.
  assert.ok(arrivals[0] < arrivals[2] - 400, `arrivals: ${arrivals}`);
  assert.ok(result.durationMs >= 600);
});

test('stdout and stderr lines are both reported, each in its order', async () => {
  const { lines } = await run('for i in 1 2 3; do echo out$i; echo err$i >&2; done');
  assert.deepEqual(lines.filter((l) => l.startsWith('stdout')), ['stdout: out1', 'stdout: out2', 'stdout: out3']);
  assert.deepEqual(lines.filter((l) => l.startsWith('stderr')), ['stderr: err1', 'stderr: err2', 'stderr: err3']);
});

test('a non-zero exit fails with the code and the last stderr line', async () => {
  const { result } = await run('echo working; echo "pg_restore: error: could not connect" >&2; exit 2');
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 2);
  assert.equal(result.error?.kind, 'shell');
  assert.equal(result.error?.exitCode, 2);
  assert.equal(result.error?.message, 'command exited with code 2: pg_restore: error: could not connect');
});

test('a failing command in a pipeline fails the step (pipefail)', async () => {
  const { result } = await run('false | cat');
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 1);
});

test('a missing command says so and suggests installing it', async () => {
  const { result } = await run('definitely-not-a-command-xyz --version');
  assert.equal(result.exitCode, 127);
  assert.equal(result.error?.message, 'command not found: definitely-not-a-command-xyz (exit code 127); install it, or check that it is on PATH');
});

test('inputs arrive as environment variables, intact and never executed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-shell-'));
  try {
    const marker = join(dir, 'pwned');
    const nasty = `O'Brien "quoted"; touch ${marker}; $(touch ${marker}) \`touch ${marker}\` $HOME`;
    const { result } = await run('printf "%s\\n" "$RUNBOOK_INPUT_USER_ID" "$DATABASE_URL"', {
      env: { RUNBOOK_INPUT_USER_ID: nasty, DATABASE_URL: 'postgres://u@h/db' },
    });
    assert.equal(result.ok, true);
    assert.equal(result.output, `${nasty}\npostgres://u@h/db`);
    assert.equal(existsSync(marker), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the working directory is used, and a missing one is reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cwd-'));
  try {
    assert.equal((await run('pwd', { cwd: dir })).result.output, dir);
    const { result } = await run('pwd', { cwd: join(dir, 'nope') });
    assert.equal(result.ok, false);
    assert.equal(result.error?.message, `working directory does not exist: ${join(dir, 'nope')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a timeout kills the whole process group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-timeout-'));
  try {
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    const { result } = await run(`sleep 30 & echo $! > ${pidFile}; echo started; wait`, { timeoutMs: 500 });
    assert.ok(Date.now() - started < 5000);
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'timeout');
    assert.equal(result.error?.message, 'killed after 500 ms');
    assert.equal(result.output, 'started');
    assert.equal(result.exitCode, undefined);
    const background = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(isAlive(background), false, 'the background sleep was killed too');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the timeout message reads in seconds', async () => {
  const { result } = await run('sleep 5', { timeoutMs: 1000 });
  assert.equal(result.error?.message, 'killed after 1 s');
});

test('cancelling stops the command; SIGKILL follows when SIGTERM is ignored', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const started = Date.now();
  const { result } = await run("trap '' TERM; echo ready; sleep 30 & wait", { killGraceMs: 500 }, controller.signal);
  const elapsed = Date.now() - started;
  assert.equal(result.ok, false);
  assert.equal(result.error?.kind, 'cancelled');
  assert.ok(elapsed >= 700 && elapsed < 5000, `elapsed ${elapsed}`);
  assert.equal(result.output, 'ready');
});

test('an already aborted signal runs nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-abort-'));
  try {
    const { result } = await run(`touch ${join(dir, 'ran')}`, {}, AbortSignal.abort());
    assert.equal(result.error?.kind, 'cancelled');
    assert.equal(existsSync(join(dir, 'ran')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a background process holding the output open does not hang the step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bg-'));
  const pidFile = join(dir, 'pid');
  try {
    const started = Date.now();
    const { result, events } = await run(`sleep 20 & echo $! > ${pidFile}; echo done`);
    assert.equal(result.ok, true);
    assert.equal(result.output, 'done');
    assert.ok(Date.now() - started < 5000);
    assert.ok(result.durationMs < 500, `durationMs ${result.durationMs} counts the command, not the wait for its background process`);
    assert.ok(events.some((e) => e.type === 'info'));
  } finally {
    if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 100 MiB output streams through but only head and tail are kept', async () => {
  let lines = 0;
  let last = '';
  const before = process.memoryUsage().rss;
  // 1,048,576 numbered lines of 100 bytes each.
  const result = await runShell(request("seq -f '%099.0f' 1 1048576"), (e) => {
    if (e.type === 'output') {
      lines += 1;
      last = e.line;
    }
  });
  const grown = process.memoryUsage().rss - before;
  assert.equal(result.ok, true);
  assert.equal(lines, 1048576);
  assert.equal(last, '1048576'.padStart(99, '0'));
  assert.ok(result.output.length <= KEPT_OUTPUT_CHARS + 200, `kept ${result.output.length}`);
  assert.ok(result.output.startsWith(`${'1'.padStart(99, '0')}\n`));
  assert.ok(result.output.endsWith('1048576'.padStart(99, '0')));
  assert.match(result.output, /\[… \d+ lines \(\d+ characters\) of output not kept: only the first and last 128 KiB are …\]/);
  assert.ok(grown < 80 * 1024 * 1024, `rss grew by ${Math.round(grown / 1024 / 1024)} MiB`);
});

test('a very long line without a newline is split, not accumulated', async () => {
  const { result, events } = await run("head -c 300000 /dev/zero | tr '\\0' x");
  assert.equal(result.ok, true);
  const outputs = events.filter((e) => e.type === 'output');
  assert.ok(outputs.length >= 5);
  assert.equal(outputs.reduce((n, e) => n + (e.type === 'output' ? e.line.length : 0), 0), 300000);
});

test('a child that ignores SIGTERM is killed after the grace period, even once bash has exited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-stubborn-'));
  const pidFile = join(dir, 'pid');
  try {
    // bash itself dies on SIGTERM; the subshell ignores it and keeps the output open.
    const { result } = await run(`(trap '' TERM; sleep 30) & echo $! > ${pidFile}; wait`, { timeoutMs: 300, killGraceMs: 1500 });
    assert.equal(result.error?.kind, 'timeout');
    const stubborn = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 1700));
    assert.equal(isAlive(stubborn), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
