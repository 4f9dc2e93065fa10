// A runbook file is untrusted input: paths stay in its folder tree (symlinks
// resolved), what is not a regular file is named as such, content is never
// echoed, invalid UTF-8 is an error at file:line:col, and sizes, depth and key
// counts are bounded with clear messages — and validate stays linear.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook, type LoadResult } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problems.js';
import { LIMITS } from '../../src/runbook/files.js';

/** A project folder (package.json marks its tree) with runbooks/ and a secret file outside it. */
function project() {
  const base = mkdtempSync(join(tmpdir(), 'untrusted-'));
  const root = join(base, 'project');
  mkdirSync(join(root, 'runbooks'), { recursive: true });
  mkdirSync(join(root, 'migrations'));
  writeFileSync(join(root, 'package.json'), '{}');
  writeFileSync(join(root, 'migrations', 'ok.sql'), 'SELECT 1;\n');
  writeFileSync(join(base, 'outside.sql'), 'root:x:0:0:SECRET-CONTENT\n');
  return { base, root };
}

function book(root: string, step: string, name = 'book.yaml'): string {
  const file = join(root, 'runbooks', name);
  writeFileSync(file, `runbook: 1\nid: b\ntitle: B\nsteps:\n  - id: one\n    title: One\n${step}\n`);
  return file;
}

const text = (r: LoadResult) => (r.ok ? '' : r.problems.map(formatProblem).join('\n'));

describe('paths a runbook names', () => {
  test('inside the tree: loaded; ../ out of it, an absolute path, a symlink leading out: refused, content never echoed', async () => {
    const { base, root } = project();
    assert.equal((await loadRunbook(book(root, '    sql_file: ../migrations/ok.sql'))).ok, true);
    for (const path of ['../../outside.sql', '../../../../../../../../etc/passwd', '/etc/shadow', join(base, 'outside.sql')]) {
      const r = await loadRunbook(book(root, `    sql_file: ${path}`));
      assert.equal(r.ok, false, path);
      assert.match(text(r), /book\.yaml:7:15: sql_file ".*" is outside the runbook's folder tree/);
      assert.doesNotMatch(text(r), /root:|SECRET-CONTENT/);
    }
    symlinkSync(join(base, 'outside.sql'), join(root, 'migrations', 'link.sql'));
    const linked = await loadRunbook(book(root, '    sql_file: ../migrations/link.sql'));
    assert.match(text(linked), /is outside the runbook's folder tree .*: it leads to .*outside\.sql/);
    assert.doesNotMatch(text(linked), /SECRET-CONTENT/);
    const cwd = await loadRunbook(book(root, '    shell: ls\n    cwd: ../..'));
    assert.match(text(cwd), /cwd "\.\.\/\.\." is outside the runbook's folder tree/);
  });

  test('scripts a shell step runs: inside the tree (from its cwd), symlinks resolved; out of it refused; allowedDirs adds a folder', async () => {
    const { base, root } = project();
    writeFileSync(join(root, 'migrations', 'ok.sh'), 'echo ok\n');
    writeFileSync(join(base, 'evil.sh'), 'echo SECRET-CONTENT\n');
    symlinkSync(join(base, 'evil.sh'), join(root, 'migrations', 'link.sh'));
    for (const shell of ['bash ../migrations/ok.sh', 'node ../migrations/ok.sh --check "$RUNBOOK_DIR"', 'bash -c "bash ../../evil.sh"', 'psql -c \'SELECT 1\'', 'FOO=1 ../migrations/ok.sh && echo done', 'sh "$HOME/x.sh"']) {
      const r = await loadRunbook(book(root, `    shell: ${JSON.stringify(shell)}`));
      assert.equal(r.ok, true, `${shell}: ${text(r)}`);
    }
    assert.equal((await loadRunbook(book(root, '    shell: bash ok.sh\n    cwd: ../migrations'))).ok, true, 'a script relative to the step\'s cwd');
    const refused: [string, RegExp][] = [
      ['bash ../../evil.sh', /the script "\.\.\/\.\.\/evil\.sh" is outside the runbook's folder tree/],
      ['echo start; python3 -u /etc/evil.py', /the script "\/etc\/evil\.py" is outside/],
      ['cat x | sh ../../evil.sh', /the script "\.\.\/\.\.\/evil\.sh" is outside/],
      ['. ../../evil.sh', /the script "\.\.\/\.\.\/evil\.sh" is outside/],
      ['../../evil.sh', /the script "\.\.\/\.\.\/evil\.sh" is outside/],
      ['bash ../migrations/link.sh', /the script "\.\.\/migrations\/link\.sh" is outside the runbook's folder tree .*: it leads to .*evil\.sh/],
    ];
    for (const [shell, message] of refused) {
      const r = await loadRunbook(book(root, `    shell: ${JSON.stringify(shell)}`));
      assert.match(text(r), /book\.yaml:7:\d+: /, shell);
      assert.match(text(r), message, shell);
      assert.doesNotMatch(text(r), /SECRET-CONTENT/);
    }
    const fromCwd = await loadRunbook(book(root, '    shell: bash ../evil.sh\n    cwd: ..'));
    assert.match(text(fromCwd), /the script "\.\.\/evil\.sh" is outside/, 'resolved from the cwd, not the runbook\'s folder');
    assert.equal((await loadRunbook(book(root, '    shell: bash ../../evil.sh'), { allowedDirs: [base] })).ok, true);
  });

  test('the allowedDirs setting adds a folder', async () => {
    const { base, root } = project();
    const r = await loadRunbook(book(root, '    sql_file: ../../outside.sql'), { allowedDirs: [base] });
    assert.equal(r.ok, false, 'it is not SQL, but it was read');
    assert.match(text(r), /SQL does not parse/);
    assert.doesNotMatch(text(r), /SECRET-CONTENT/, 'a parse error names the position, not the text');
  });

  test('a folder, a device, a pipe: named for what they are, never read', async () => {
    const { root } = project();
    mkdirSync(join(root, 'migrations', 'dir.sql'));
    assert.match(text(await loadRunbook(book(root, '    sql_file: ../migrations/dir.sql'))), /dir\.sql is a folder, expected a file/);
    assert.match(text(await loadRunbook(book(root, '    sql_file: /dev/zero'), { allowedDirs: ['/dev'] })), /\/dev\/zero is not a regular file \(a character device\)/);
    execFileSync('mkfifo', [join(root, 'migrations', 'pipe.sql')]);
    assert.match(text(await loadRunbook(book(root, '    sql_file: ../migrations/pipe.sql'))), /pipe\.sql is not a regular file \(a pipe\)/);
    assert.match(text(await loadRunbook(join(root, 'runbooks'))), /is a folder, expected a file/);
  });
});

describe('what a file holds', () => {
  test('invalid UTF-8 is an error at file:line:col, in the runbook and in a sql_file', async () => {
    const { root } = project();
    const file = join(root, 'runbooks', 'latin1.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from('runbook: 1\nid: b\ntitle: Caf'), Buffer.from([0xe9]), Buffer.from('\nsteps: []\n')]));
    assert.match(text(await loadRunbook(file)), /latin1\.yaml:3:11: runbook: invalid UTF-8 \(byte 0xe9 at offset 27\)/);
    writeFileSync(join(root, 'migrations', 'bad.sql'), Buffer.concat([Buffer.from('SELECT 1;\nSELECT \''), Buffer.from([0xff, 0xfe]), Buffer.from("';\n")]));
    assert.match(text(await loadRunbook(book(root, '    sql_file: ../migrations/bad.sql'))), /bad\.sql:2:9: sql_file "\.\.\/migrations\/bad\.sql": invalid UTF-8 \(byte 0xff/);
  });

  test('10,000 levels of nesting: a clear problem, not a stack overflow', async () => {
    const { root } = project();
    for (const [name, body] of [
      ['flow.yaml', `runbook: 1\nid: b\ntitle: T\nsteps: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
      ['block.yaml', `runbook: 1\nid: b\ntitle: T\nx:\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`],
    ]) {
      const file = join(root, 'runbooks', name);
      writeFileSync(file, body);
      const t = text(await loadRunbook(file));
      assert.match(t, /nested (far too deep|more than 64 levels)/, name);
      assert.doesNotMatch(t, /call stack/i, name);
    }
  });

  test('size, value length and key count limits, each with a clear message; long values cut', async () => {
    const { root } = project();
    const big = join(root, 'runbooks', 'big.yaml');
    writeFileSync(big, `runbook: 1\nid: b\ntitle: T\nsteps: []\n#${'x'.repeat(LIMITS.runbookBytes)}\n`);
    assert.match(text(await loadRunbook(big)), /big\.yaml:1:1: runbook: .* is 4\.0 MiB, more than the limit of 4 MiB/);
    const long = join(root, 'runbooks', 'long.yaml');
    writeFileSync(long, `runbook: 1\nid: b\ntitle: T\nsteps:\n  - id: one\n    title: "${'A'.repeat(LIMITS.valueChars + 1)}"\n    sql: SELECT 1\n`);
    const lt = text(await loadRunbook(long));
    assert.match(lt, /long\.yaml:6:5: steps\[0\]\.title: a text of 1,048,577 characters, more than the limit of 1,048,576/);
    assert.ok(lt.length < 500, 'the value is not echoed');
    const keys = join(root, 'runbooks', 'keys.yaml');
    writeFileSync(keys, `runbook: 1\nid: b\ntitle: T\nsteps:\n  - id: one\n    title: One\n    sql: SELECT 1\n${Array.from({ length: LIMITS.keys + 1 }, (_, i) => `    k${i}: v`).join('\n')}\n`);
    assert.match(text(await loadRunbook(keys)), /keys\.yaml:5:5: steps\[0\]: more than 10,000 keys \(the limit\)/);
    const wordy = join(root, 'runbooks', 'wordy.yaml');
    writeFileSync(wordy, `runbook: 1\nid: b\ntitle: T\nsteps:\n  - id: one\n    title: One\n    sql: SELECT 1\n    ${'q'.repeat(5000)}: 1\n`);
    const wt = text(await loadRunbook(wordy));
    assert.match(wt, /unknown key "q{60}…" \(5,000 characters\)/);
    assert.ok(wt.length < 600, 'a long key is cut in the message');
  });

  test('200,000 unknown keys: listed up to the cap, counted beyond it, in linear time', async () => {
    const { root } = project();
    const file = join(root, 'runbooks', 'many.yaml');
    const steps = Array.from({ length: 40 }, (_, s) => `  - id: s${s}\n    title: T\n    sql: SELECT 1\n${Array.from({ length: 5000 }, (_, i) => `    k${i}: v`).join('\n')}`);
    writeFileSync(file, `runbook: 1\nid: b\ntitle: T\nsteps:\n${steps.join('\n')}\n`);
    const cpu = process.cpuUsage();
    const r = await loadRunbook(file);
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.problems.length, LIMITS.problems + 1);
    assert.match(formatProblem(r.problems[0]), /many\.yaml:8:5: unknown key "k0" in steps\[0\]/);
    assert.match(r.problems[LIMITS.problems].message, /… and 199,800 more problems/);
    assert.equal(r.problems[LIMITS.problems].omitted, 199_800);
    // CPU time, not wall time: the machine may be shared. Before: 10,000 keys took 5 s, 200,000 never finished.
    assert.ok(ms < 2000, `200,000 unknown keys took ${ms.toFixed(0)} ms of CPU`);
  });
});
