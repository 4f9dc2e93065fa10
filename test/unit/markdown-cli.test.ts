// `runbook export` and `runbook import`: what they write, and one clear line
// (exit code 2, no stack trace) for the mistakes an operator makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportCommand } from '../../src/cli/commands/export.js';
import { importCommand } from '../../src/cli/commands/import.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, write: (l: string) => out.push(l), complain: (l: string) => err.push(l) };
}

function workspace() {
  const root = mkdtempSync(join(tmpdir(), 'md-cli-'));
  mkdirSync(join(root, 'runbooks'));
  mkdirSync(join(root, 'migrations'));
  writeFileSync(join(root, 'migrations', '001.sql'), 'CREATE TABLE t (id int);\n');
  writeFileSync(
    join(root, 'runbooks', 'demo.yaml'),
    'runbook: 1\nid: demo\ntitle: Demo\nsteps:\n  - id: create\n    title: Create the table\n    sql_file: ../migrations/001.sql\n',
  );
  return root;
}

test('export writes Markdown with the sql_file content, to stdout or -o', async () => {
  const root = workspace();
  const io = capture();
  assert.equal(await exportCommand(join(root, 'runbooks', 'demo.yaml'), { format: 'md' }, io.write, io.complain), 0);
  const markdown = io.out.join('\n');
  assert.match(markdown, /^# Demo/);
  assert.match(markdown, /### Step 1: Create the table/);
  assert.match(markdown, /CREATE TABLE t \(id int\);/);

  const file = join(root, 'demo.md');
  const quiet = capture();
  assert.equal(await exportCommand(join(root, 'runbooks', 'demo.yaml'), { format: 'md', output: file }, quiet.write, quiet.complain), 0);
  assert.equal(readFileSync(file, 'utf8').trimEnd(), markdown);
  assert.deepEqual(quiet.out, []);
});

test('export of a missing or broken file: one line naming it, exit code 2 (a usage problem)', async () => {
  const root = workspace();
  const missing = capture();
  assert.equal(await exportCommand(join(root, 'runbooks', 'nope.yaml'), { format: 'md' }, missing.write, missing.complain), 2);
  assert.equal(missing.err.length, 1);
  assert.match(missing.err[0], /nope\.yaml not found; check the path, or run `runbook list`/);

  writeFileSync(join(root, 'runbooks', 'bad.yaml'), 'runbook: 1\nid: bad\ntitle: "unclosed\n');
  const bad = capture();
  assert.equal(await exportCommand(join(root, 'runbooks', 'bad.yaml'), { format: 'md' }, bad.write, bad.complain), 2);
  assert.equal(bad.err.length, 1);
  assert.match(bad.err[0], /bad\.yaml:\d+:\d+: YAML syntax/);
  assert.doesNotMatch(bad.err[0], /\n\s+at /, 'no stack trace');
});

test('import writes YAML, lists what it could not map on stderr, and rebases sql_file paths', async () => {
  const root = workspace();
  const doc = join(root, 'guide.md');
  writeFileSync(doc, '# Guide\n\n### Step 1: Create\n\n```bash\npsql -d app -f migrations/001.sql\n```\n\n## Extra\n\n```sql\n\\x\nSELECT FROM;\n```\n');
  const out = join(root, 'runbooks', 'guide.yaml');
  const cwd = process.cwd();
  process.chdir(root);
  const io = capture();
  try {
    assert.equal(await importCommand(doc, { output: out }, io.write, io.complain), 0);
  } finally {
    process.chdir(cwd);
  }
  const yaml = readFileSync(out, 'utf8');
  assert.match(yaml, /sql_file: \.\.\/migrations\/001\.sql/, 'relative to the runbook file');
  assert.match(io.err.join('\n'), /1 step, 0 procedures, 0 troubleshooting entries, written to/);
  assert.match(io.err.join('\n'), /Not mapped.*\n {2}- Extra: 1 code block not mapped/);

  const again = capture();
  assert.equal(await importCommand(doc, { output: out }, again.write, again.complain), 2);
  assert.match(again.err[0], /guide\.yaml already exists; .*--force/);
  assert.equal(await importCommand(doc, { output: out, force: true }, again.write, again.complain), 0);
});

test('import of a missing document: one line naming it, exit code 2 (a usage problem)', async () => {
  const io = capture();
  assert.equal(await importCommand('/nonexistent/guide.md', {}, io.write, io.complain), 2);
  assert.deepEqual(io.err, ['runbook import: /nonexistent/guide.md not found; give the path of a Markdown (.md) document']);
});
