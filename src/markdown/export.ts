// Runbook → a Markdown document for a wiki page or a change ticket, in the
// shape runbook documents are written by hand: overview, inputs,
// prerequisites, numbered steps with their commands, expected output, checks
// and rollback, troubleshooting, rollback procedures and the checklist.
// Ids ride along in <!-- id: ... --> comments (invisible when rendered), so
// `runbook import` of this document gives the same runbook structure back.
import type { Action, Check, Procedure, RunbookData, Step, TroubleshootingEntry } from '../runbook/schema.js';
import { describeCheck, describeExpectation } from './describe.js';
import { matchWords } from '../present/troubleshoot.js';

export interface ExportSources {
  /** The content of a step's sql_file (path as written in the runbook), when it can be read. */
  sqlFile?(path: string): string | undefined;
}

export function exportMarkdown(rb: RunbookData, sources: ExportSources = {}): string {
  const out: string[] = [`# ${rb.title}`, idComment(rb.id), ...overview(rb), ...inputs(rb), ...connections(rb), ...prerequisites(rb)];
  out.push('## Steps');
  rb.steps.forEach((step, i) => out.push(...stepSection(step, i + 1, 3, rb, sources)));
  out.push(...troubleshooting(rb), ...procedures(rb, sources), ...checklist(rb));
  return `${out.join('\n\n')}\n`;
}

function idComment(id: string): string {
  return `<!-- id: ${id} -->`;
}

/** A fenced block, with a longer fence when the text itself holds ```. */
function fence(lang: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((f) => f.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${lang}\n${text.replace(/\s+$/, '')}\n${marks}`;
}

function code(text: string): string {
  const ticks = text.includes('`') ? '``' : '`';
  return ticks === '``' ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** GitHub's heading anchors, for links from a step to its troubleshooting entries. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function overview(rb: RunbookData): string[] {
  const facts = [`- **Risk:** ${rb.risk}`];
  if (rb.estimate) facts.push(`- **Estimate:** ${rb.estimate}`);
  if (rb.tags.length > 0) facts.push(`- **Tags:** ${rb.tags.join(', ')}`);
  if (rb.requires.length > 0) facts.push(`- **Requires:** ${rb.requires.join(', ')}`);
  facts.push(`- **Steps:** ${rb.steps.length}${rb.procedures.length > 0 ? `, and ${rb.procedures.length} rollback/recovery procedure${rb.procedures.length > 1 ? 's' : ''}` : ''}`);
  return ['## Overview', ...(rb.summary ? [rb.summary.trim()] : []), facts.join('\n')];
}

function inputs(rb: RunbookData): string[] {
  const entries = Object.entries(rb.inputs);
  if (entries.length === 0) return [];
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = entries.map(([name, input]) => {
    const limits = [
      input.choices ? `one of ${input.choices.join(', ')}` : '',
      input.pattern ? `matches ${code(input.pattern)}` : '',
      input.min !== undefined ? `at least ${input.min}` : '',
      input.max !== undefined ? `at most ${input.max}` : '',
      input.secret ? 'secret: never shown or recorded' : '',
    ].filter(Boolean);
    const notes = [input.description ?? '', limits.length > 0 ? `(${limits.join('; ')})` : ''].filter(Boolean);
    const def = input.default === undefined || input.secret ? '—' : code(String(input.default));
    return `| ${code(name)} | ${input.type} | ${def} | ${input.required ? 'yes' : 'no'} | ${cell(notes.join(' '))} |`;
  });
  return [
    '## Inputs',
    'Asked for before the first step (`--input name=value` when not interactive). In SQL they are sent as bind parameters, never pasted into the text.',
    ['| Input | Type | Default | Required | Description |', '|---|---|---|---|---|', ...rows].join('\n'),
  ];
}

function connections(rb: RunbookData): string[] {
  const entries = Object.entries(rb.connections);
  if (entries.length === 0) return [];
  const lines = entries.map(([name, c]) => `- ${code(name)}: ${c.sqlite ? `SQLite file ${code(c.sqlite)}` : `PostgreSQL ${code(c.postgres ?? '')}`}`);
  return ['## Connections', 'Besides the target database, checks in this runbook read from:', lines.join('\n')];
}

function prerequisites(rb: RunbookData): string[] {
  if (rb.prerequisites.length === 0) return [];
  const confirmations = rb.prerequisites.filter((p) => isConfirmOnly(p));
  const checks = rb.prerequisites.filter((p) => !isConfirmOnly(p));
  const out = ['## Prerequisites'];
  if (confirmations.length > 0) {
    out.push(confirmations.map((p) => `- [ ] ${p.confirm && p.confirm !== p.title ? `${p.title} — ${p.confirm}` : p.title}`).join('\n'));
  }
  for (const check of checks) out.push(...checkBlocks(check, 'Check'));
  return out;
}

function isConfirmOnly(check: Check): boolean {
  return check.confirm !== undefined && !check.sql && !check.sql_file && !check.shell && !check.speedup && !check.compare;
}

/** A check as "**Verify:** title — expects: ..." and its query. */
function checkBlocks(check: Check, word: 'Verify' | 'Check'): string[] {
  const expects = describeCheck(check);
  const where = check.connection ? ` (runs on ${code(check.connection)})` : '';
  const head = check.confirm && !check.sql && !check.shell && !check.sql_file
    ? `**${word}:** ${check.title} — confirm: ${check.confirm}`
    : `**${word}:** ${check.title}${expects ? ` — expects: ${expects}` : ''}${where}`;
  const out = [head];
  if (check.sql) out.push(fence('sql', check.sql));
  if (check.sql_file) out.push(fence('bash', psqlFile(check.sql_file)));
  if (check.shell) out.push(fence('bash', check.shell));
  if (check.speedup) out.push('**Baseline query:**', fence('sql', check.speedup.baseline), '**Candidate query:**', fence('sql', check.speedup.candidate));
  if (check.compare) {
    const on = (c?: string) => (c ? ` (on ${code(c)})` : '');
    out.push(`**Left query**${on(check.compare.left.connection)}:`, fence('sql', check.compare.left.sql));
    out.push(`**Right query**${on(check.compare.right.connection)}:`, fence('sql', check.compare.right.sql));
  }
  return out;
}

function psqlFile(path: string): string {
  return `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${/^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`}`;
}

/** The commands of an action (a step, a rollback, a fix), and a sql_file's content when it can be read. */
function actionBlocks(action: Pick<Action, 'sql' | 'sql_file' | 'shell'>, sources: ExportSources): string[] {
  const out: string[] = [];
  if (action.sql) out.push(fence('sql', action.sql));
  if (action.sql_file) {
    out.push(fence('bash', psqlFile(action.sql_file)));
    const content = sources.sqlFile?.(action.sql_file);
    if (content !== undefined) out.push(`**Contents of ${code(action.sql_file)}:**`, fence('sql', content));
  }
  if (action.shell) out.push(fence('bash', action.shell));
  return out;
}

function settings(step: Step): string | undefined {
  const parts: string[] = [];
  if (step.transaction === 'never') parts.push('runs outside a transaction');
  if (step.transaction === 'always') parts.push('runs in one transaction');
  if (step.timeout !== undefined) parts.push(`times out after ${step.timeout}`);
  if (step.lock_timeout !== undefined) parts.push(`waits at most ${step.lock_timeout} for locks`);
  if (step.cwd) parts.push(`runs in ${code(step.cwd)}`);
  if (step.env) parts.push(`environment ${Object.keys(step.env).map(code).join(', ')}`);
  if (step.skippable) parts.push('may be skipped with a reason');
  return parts.length > 0 ? `**Settings:** ${parts.join(' · ')}` : undefined;
}

function stepSection(step: Step, n: number, depth: number, rb: RunbookData, sources: ExportSources): string[] {
  const out = [`${'#'.repeat(depth)} Step ${n}: ${step.title}`, idComment(step.id)];
  if (step.explain) out.push(step.explain.trim());
  if (step.danger) out.push('> **Danger:** this step destroys data. The operator types the database name to go on.');
  if (step.irreversible) out.push('> **Irreversible:** this step cannot be rolled back.');
  const facts = settings(step);
  if (facts) out.push(facts);
  if (step.connection) out.push(`**Connection:** ${step.connection}`);
  if (step.confirm) out.push(`**Confirm:** ${step.confirm}`);
  const run = actionBlocks(step, sources);
  if (run.length > 0) out.push('**Run:**', ...run);
  if (step.expected) out.push('**Expected output:**', fence('', step.expected));
  if (step.expect) out.push(`**Expect:** ${describeExpectation(step.expect)}`);
  for (const check of step.verify) out.push(...checkBlocks(check, 'Verify'));
  if (step.rollback) {
    const undo = actionBlocks(step.rollback, sources);
    out.push(step.rollback.confirm && undo.length === 0 ? `**Rollback:** by hand — ${step.rollback.confirm}` : '**Rollback:**', ...undo);
  }
  const entries = step.troubleshoot.map((id) => rb.troubleshooting.find((t) => t.id === id)).filter((t): t is TroubleshootingEntry => !!t);
  if (entries.length > 0) out.push(`**Troubleshooting:** ${entries.map((t) => `[${t.title}](#${anchor(t.title)})`).join(', ')}`);
  return out;
}

function troubleshooting(rb: RunbookData): string[] {
  if (rb.troubleshooting.length === 0) return [];
  const out = ['## Troubleshooting'];
  for (const entry of rb.troubleshooting) {
    out.push(`### ${entry.title}`, idComment(entry.id));
    const matches = matchWords(entry, code);
    if (matches) out.push(`**Matches:** ${matches}`);
    if (entry.cause) out.push(`**Cause:** ${entry.cause}`);
    if (entry.fix) {
      const asks = entry.fix.confirm === false ? ' (runs without asking)' : '';
      out.push(`**Fix:**${entry.fix.explain ? ` ${entry.fix.explain.trim()}` : ''}${asks}`, ...actionBlocks(entry.fix, {}));
    }
  }
  return out;
}

function procedures(rb: RunbookData, sources: ExportSources): string[] {
  if (rb.procedures.length === 0) return [];
  const out = ['## Rollback and recovery procedures', 'Each is run on its own, when its situation arises: `runbook run <file> --procedure <id>`.'];
  for (const procedure of rb.procedures) out.push(...procedureSection(procedure, rb, sources));
  return out;
}

function procedureSection(procedure: Procedure, rb: RunbookData, sources: ExportSources): string[] {
  const out = [`### ${procedure.title}`, idComment(procedure.id)];
  if (procedure.when) out.push(`**When:** ${procedure.when}`);
  if (procedure.summary) out.push(procedure.summary.trim());
  procedure.steps.forEach((step, i) => out.push(...stepSection(step, i + 1, 4, rb, sources)));
  return out;
}

function checklist(rb: RunbookData): string[] {
  if (rb.checklist.length === 0) return [];
  const items = rb.checklist.map((item) => (typeof item === 'string' ? { title: item, group: undefined } : item));
  const groups = [...new Set(items.map((i) => i.group))];
  const out = ['## Checklist'];
  for (const group of groups) {
    if (group) out.push(`### ${group}`);
    out.push(items.filter((i) => i.group === group).map((i) => `- [ ] ${i.title}`).join('\n'));
  }
  return out;
}
