// Exporting runbooks to Markdown: every step is a heading, commands and
// checks are there in words, and importing the export gives the runbook back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lexer, type Tokens } from 'marked';
import { exportMarkdown } from '../../src/markdown/export.js';
import { importMarkdown } from '../../src/markdown/import.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { runbook, type RunbookData, type Step } from '../../src/runbook/schema.js';

const sample: RunbookData = runbook.parse({
  runbook: 1,
  id: 'phase3-indexes',
  title: 'Phase 3 — performance indexes',
  summary: 'Composite and partial indexes, then a summary view.',
  risk: 'high',
  estimate: '10m',
  tags: ['indexes', 'postgres'],
  inputs: { user_id: { type: 'integer', default: 1, description: 'A user to test plans with' } },
  prerequisites: [
    { id: 'pg-version', title: 'PostgreSQL 12 or newer', sql: "SELECT current_setting('server_version_num')::int AS version", expect: { row: { version: '>= 120000' } } },
    { id: 'backup', title: 'A backup was taken', confirm: 'I have a backup taken in the last hour' },
  ],
  steps: [
    {
      id: 'indexes',
      title: 'Create the composite indexes',
      explain: 'Builds the index the timeline query needs.\n\n```sql\n-- the query it serves\nSELECT * FROM messages WHERE user_id = 1;\n```',
      sql_file: 'migrations/002_indexes.sql',
      timeout: '10m',
      expected: 'CREATE INDEX',
      verify: [
        {
          title: 'The user/date index serves the timeline query',
          sql: 'EXPLAIN SELECT * FROM messages WHERE user_id = {{ inputs.user_id }} ORDER BY created_at DESC LIMIT 10',
          expect: { plan: 'Index Scan using idx_messages_user_created' },
        },
        { title: 'The index makes it faster', speedup: { baseline: 'SELECT 1', candidate: 'SELECT 2', at_least: 3 } },
      ],
      rollback: { sql: 'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created' },
      troubleshoot: ['relation-exists'],
    },
    { id: 'no-dupes', title: 'No duplicate fills', sql: 'SELECT sessionid FROM fills GROUP BY 1 HAVING count(*) > 1', expect: { no_rows: true } },
    { id: 'alembic', title: 'Apply the Alembic migrations', shell: 'cd apps/api\nalembic upgrade head  # all of them', danger: true },
    { id: 'tell-team', title: 'Tell the team', confirm: 'I posted in the ops channel that the indexes are live' },
  ],
  troubleshooting: [
    {
      id: 'relation-exists',
      title: 'Migration fails with "relation already exists"',
      match: { sqlstate: '42P07' },
      cause: 'The migration was partly applied before.',
      fix: { explain: 'Drop the half-built index, then retry.', sql: 'DROP INDEX IF EXISTS idx_messages_user_created' },
    },
  ],
  procedures: [
    {
      id: 'emergency-rollback',
      title: 'Emergency rollback',
      when: 'The application errors after the indexes are live',
      steps: [
        { id: 'drop-indexes', title: 'Drop the new indexes', sql: 'DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_created' },
        { id: 'restart', title: 'Restart the app', shell: 'systemctl restart app' },
      ],
    },
  ],
  checklist: ['Application logs show no database errors', { title: 'Dashboards are green', group: 'Monitoring' }],
});

const files = { sqlFile: (path: string) => (path === 'migrations/002_indexes.sql' ? 'CREATE INDEX idx_messages_user_created ON messages (user_id, created_at DESC);' : undefined) };

/** Heading texts of a Markdown document, read by a Markdown parser. */
function headings(markdown: string): string[] {
  return new Lexer().lex(markdown).filter((t): t is Tokens.Heading => t.type === 'heading').map((t) => t.text);
}

/** What a step does, as the round trip must keep it. */
const essence = (s: Step) => ({ id: s.id, title: s.title, sql: s.sql?.trim(), sql_file: s.sql_file, shell: s.shell?.trim(), confirm: s.confirm });

test('the exported document has a heading for every step, numbered, and for each part', () => {
  const markdown = exportMarkdown(sample, files);
  const found = headings(markdown);
  sample.steps.forEach((step, i) => assert.ok(found.includes(`Step ${i + 1}: ${step.title}`), `heading for step "${step.title}"`));
  for (const part of ['Overview', 'Inputs', 'Prerequisites', 'Steps', 'Troubleshooting', 'Rollback and recovery procedures', 'Checklist', 'Emergency rollback', 'Step 1: Drop the new indexes']) {
    assert.ok(found.includes(part), `heading "${part}"`);
  }
});

test('the exported document shows commands, file contents, expected output and checks in words', () => {
  const markdown = exportMarkdown(sample, files);
  assert.match(markdown, /- \*\*Risk:\*\* high/);
  assert.match(markdown, /- \*\*Estimate:\*\* 10m/);
  assert.match(markdown, /- \*\*Tags:\*\* indexes, postgres/);
  assert.match(markdown, /\| `user_id` \| integer \| `1` \| yes \| A user to test plans with \|/);
  assert.match(markdown, /```bash\npsql "\$DATABASE_URL" -v ON_ERROR_STOP=1 -f migrations\/002_indexes\.sql\n```/);
  assert.match(markdown, /\*\*Contents of `migrations\/002_indexes\.sql`:\*\*\n\n```sql\nCREATE INDEX idx_messages_user_created/);
  assert.match(markdown, /\*\*Expected output:\*\*\n\n```\nCREATE INDEX\n```/);
  assert.match(markdown, /\*\*Verify:\*\* The user\/date index serves the timeline query — expects: query plan contains "Index Scan using idx_messages_user_created"/);
  assert.match(markdown, /at least 3× faster than the baseline \(median of 5 runs\)/);
  assert.match(markdown, /\*\*Check:\*\* PostgreSQL 12 or newer — expects: first row: version >= 120000/);
  assert.match(markdown, /- \[ \] A backup was taken — I have a backup taken in the last hour/);
  assert.match(markdown, /\*\*Expect:\*\* no rows/);
  assert.match(markdown, /\*\*Rollback:\*\*\n\n```sql\nDROP INDEX CONCURRENTLY/);
  assert.match(markdown, /> \*\*Danger:\*\*/);
  assert.match(markdown, /\*\*Matches:\*\* SQLSTATE `42P07`/);
  assert.match(markdown, /\*\*Cause:\*\* The migration was partly applied before\./);
  assert.match(markdown, /\[Migration fails with "relation already exists"\]\(#migration-fails-with-relation-already-exists\)/);
  assert.match(markdown, /\*\*When:\*\* The application errors after the indexes are live/);
  assert.match(markdown, /## Checklist\n\n- \[ \] Application logs show no database errors\n\n### Monitoring\n\n- \[ \] Dashboards are green/);
});

test('a code fence inside the text gets a longer fence around it', () => {
  const rb = runbook.parse({ runbook: 1, id: 'x', title: 'X', steps: [{ id: 'a', title: 'A', shell: 'cat <<EOF\n```\nEOF' }] });
  assert.match(exportMarkdown(rb, {}), /````bash\ncat <<EOF\n```\nEOF\n````/);
});

test('importing an export gives back the same steps, procedures, checks and the rest', async () => {
  const { runbook: back, unmapped } = await importMarkdown(exportMarkdown(sample, files), {});
  assert.deepEqual(unmapped, []);
  assert.equal(back.id, sample.id);
  assert.equal(back.title, sample.title);
  assert.equal(back.summary, sample.summary);
  assert.equal(back.risk, sample.risk);
  assert.equal(back.estimate, sample.estimate);
  assert.deepEqual(back.tags, sample.tags);
  assert.deepEqual(back.inputs, sample.inputs);
  assert.deepEqual(back.steps.map(essence), sample.steps.map(essence));
  assert.deepEqual(back.steps[0].verify.map((c) => c.title), ['The user/date index serves the timeline query']);
  assert.equal(back.steps[0].verify[0].sql, sample.steps[0].verify[0].sql);
  assert.equal(back.steps[0].expected, 'CREATE INDEX');
  assert.deepEqual(back.steps[0].rollback, sample.steps[0].rollback);
  assert.match(back.steps[0].explain ?? '', /-- the query it serves/, 'code in the explanation stays in the explanation');
  assert.deepEqual(
    back.procedures.map((p) => ({ id: p.id, title: p.title, when: p.when, steps: p.steps.map(essence) })),
    sample.procedures.map((p) => ({ id: p.id, title: p.title, when: p.when, steps: p.steps.map(essence) })),
  );
  assert.deepEqual(back.troubleshooting.map((t) => [t.id, t.title, t.cause, t.fix?.sql]), sample.troubleshooting.map((t) => [t.id, t.title, t.cause, t.fix?.sql]));
  assert.deepEqual(back.checklist, sample.checklist);
});

// The runbooks the product ships (runbooks/*.yaml): each exports with every
// step title as a heading, and comes back the same through import.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shipped = readdirSync(join(repo, 'runbooks')).filter((f) => /\.ya?ml$/.test(f));

test('there are shipped runbooks to export', () => {
  assert.ok(shipped.length > 0, 'runbooks/*.yaml');
});

for (const file of shipped) {
  test(`shipped runbook ${file}: every step title is a heading, and the export imports back`, async () => {
    const loaded = await loadRunbook(join(repo, 'runbooks', file));
    assert.ok(loaded.ok, `${file} loads: ${loaded.ok ? '' : loaded.problems.map((p) => p.message).join('; ')}`);
    const rb = loaded.runbook;
    const markdown = exportMarkdown(rb, { sqlFile: (p) => rb.sqlFiles.get(p) });
    const found = headings(markdown);
    rb.steps.forEach((step, i) => assert.ok(found.includes(`Step ${i + 1}: ${step.title}`), `${file}: heading for step "${step.title}"`));
    for (const procedure of rb.procedures) {
      assert.ok(found.includes(procedure.title), `${file}: heading for procedure "${procedure.title}"`);
      procedure.steps.forEach((step, i) => assert.ok(found.includes(`Step ${i + 1}: ${step.title}`), `${file}: heading for "${procedure.title}" step "${step.title}"`));
    }
    const { runbook: back } = await importMarkdown(markdown, {});
    assert.deepEqual(back.steps.map(essence), rb.steps.map(essence));
    assert.deepEqual(back.procedures.map((p) => [p.id, p.steps.map(essence)]), rb.procedures.map((p) => [p.id, p.steps.map(essence)]));
  });
}
