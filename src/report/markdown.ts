// A run as Markdown, for a change ticket or a post-incident review: what ran,
// against what, by whom; every step with its statements and timings, every
// verdict with expected vs actual, every skip, fix and decision.
import type { ItemReport, RunReport } from '../journal/summary.js';
import { decisionWords, fixWords, type Marks } from '../present/decision.js';
import { duration, timestamp } from '../present/duration.js';
import { errorBlock } from '../present/error.js';
import { attemptText, traceText } from '../present/locks.js';
import { escapeMarkdown, markdownCode, markdownFence } from '../present/escape.js';
import { findingLock } from '../present/findings.js';
import type { Finding } from '../sql/findings.js';
import { commandTag } from '../present/output.js';
import { targetLine } from '../present/target.js';
import { MARK as VERDICT_MARK } from '../present/verdict.js';

const MARK: Record<string, string> = { passed: '✅', failed: '❌', skipped: '⏭️', interrupted: '⚠️', running: '⚠️', pending: '⬜', rolled_back: '↩️' };

/** Text safe inside a table cell or a line: one line, bounded, read as written (no markup, no HTML). */
function cell(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return escapeMarkdown(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

/** A code span, one line, bounded. */
function code(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return markdownCode(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

const fence = markdownFence;

/** How present's words mark names and text in this document. */
const MARKS: Marks = { name: (s) => code(s), text: (s, max) => cell(s, max) };

export function markdownReport(r: RunReport): string {
  const title = r.kind === 'rollback' ? `Rollback of run ${r.rollbackOf}` : r.kind === 'procedure' ? `Procedure ${r.procedureId}` : 'Run';
  const lines: string[] = [`# ${cell(r.runbook.title, 300)} — ${title} ${cell(r.runId)}`, ''];
  const took = r.endedAt !== undefined ? duration(r.endedAt - r.startedAt) : '—';
  lines.push(
    '| | |',
    '|---|---|',
    `| Outcome | **${r.outcome}**${r.reason ? ` — ${cell(r.reason)}` : ''} |`,
    `| Runbook | ${code(r.runbook.id)} (${cell(r.runbook.file)}, sha256 ${code(r.runbook.sha256.slice(0, 12))}) |`,
    `| Target | ${cell(r.pinned ? targetLine(r.pinned) : r.target)} |`,
    `| Run by | ${r.sessions.map((s) => `${cell(s.operator)} (${s.action} ${timestamp(s.at)}, pid ${s.pid}${s.flags.length ? `; decided by flags ${s.flags.map((f) => code(f)).join(' ')}` : ''})`).join('<br>')} |`,
    `| Started | ${timestamp(r.startedAt)} |`,
    `| Ended | ${timestamp(r.endedAt)} (${took}) |`,
    '',
  );
  const inputs = Object.entries(r.inputs);
  if (inputs.length) lines.push('## Inputs', '', ...inputs.map(([k, v]) => `- ${code(k)} = ${code(v === null ? 'null' : String(v), 500)}`), '');
  if (r.tornTail) lines.push('> The runner was killed while writing its last journal line; that half line was set aside.', '');

  const counts = (s: string) => r.items.filter((i) => i.status === s).length;
  lines.push('## Summary', '', `${r.items.length} items: ${counts('passed')} passed, ${counts('failed')} failed, ${counts('skipped')} skipped, ${counts('interrupted') + counts('running')} interrupted, ${counts('rolled_back')} rolled back, ${counts('pending')} not reached.`, '');
  lines.push('| | Item | Status | Attempts | Time |', '|---|---|---|---|---|');
  for (const it of r.items) lines.push(`| ${MARK[it.status] ?? ''} | ${it.kind} ${code(it.id)}: ${cell(it.title)} | ${it.status} | ${it.attempts} | ${duration(it.durationMs)} |`);
  lines.push('');

  for (const kind of ['prerequisite', 'step', 'checklist'] as const) {
    const group = r.items.filter((i) => i.kind === kind);
    if (!group.length) continue;
    lines.push(`## ${kind === 'prerequisite' ? 'Prerequisites' : kind === 'step' ? 'Steps' : 'Checklist'}`, '');
    group.forEach((it, i) => lines.push(...itemSection(it, i + 1, group.length)));
  }
  if (r.decisions.length) {
    lines.push('## Decisions', '');
    for (const d of r.decisions) lines.push(`- ${timestamp(d.at)} — ${decisionWords(d, r.items.find((i) => i.key === d.key)?.title ?? d.key, MARKS)}`);
    lines.push('');
  }
  if (r.rollbackPlan) {
    lines.push('## Rollback plan', '', 'Shown before the first step that changes data: what undoing this run runs, newest first, for the steps that completed.', '');
    r.rollbackPlan.forEach((p, i) => lines.push(`${i + 1}. ${cell(p.title)} (${code(p.id)}) — ${cell(p.undo, 300)}`));
    lines.push('');
  }
  if (r.notes.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${timestamp(n.at)} — ${cell(n.text, 1000)}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function itemSection(it: ItemReport, n: number, total: number): string[] {
  const lines = [`### ${MARK[it.status] ?? ''} ${n}/${total} ${cell(it.title)} (${code(it.id)})`, ''];
  lines.push(`Status: **${it.status}** · attempts: ${it.attempts} · time: ${duration(it.durationMs)}`, '');
  if (it.skipReason) lines.push(`Skipped, reason given: _${cell(it.skipReason, 500)}_`, '');
  for (const note of it.notes) lines.push(`> ${cell(note, 500)}`, '');
  if (it.shell !== undefined) lines.push('Command:', '', ...fence(it.shell, 'sh'), '');
  if (it.statements.length) {
    lines.push('| Attempt | # | Statement | Result | Time |', '|---|---|---|---|---|');
    for (const s of it.statements) {
      const result = s.outcome === 'ok' ? cell(commandTag(s.command ?? '', s.rowCount ?? null)) : s.outcome === 'failed' ? '**failed**' : '**did not finish**';
      lines.push(`| ${s.attempt} | ${s.index + 1} | ${code(s.text, 300)} | ${result} | ${duration(s.durationMs)} |`);
    }
    lines.push('');
  }
  if (it.verdicts.length) {
    lines.push('| | Check | Expected | Actual |', '|---|---|---|---|');
    for (const v of it.verdicts) lines.push(`| ${v.ok ? VERDICT_MARK.ok : VERDICT_MARK.bad} | ${cell(v.label)} | ${cell(v.expected)} | ${cell(v.actual)} |`);
    lines.push('');
  }
  if (it.error && it.status !== 'passed') {
    const b = errorBlock(it.error);
    lines.push(`**${cell(b.title)}**: ${cell(b.message, 500)}`, '');
    if (b.caret.length) lines.push(...fence(b.caret.join('\n')), '');
    for (const d of b.details) lines.push(`${cell(d.label.charAt(0).toUpperCase() + d.label.slice(1))}: ${cell(d.text, 500)}`, '');
  }
  if (it.notices.length) lines.push('Notices:', '', ...it.notices.map((x) => `- ${cell(x, 500)}`), '');
  if (it.output.length) lines.push('Output:', '', ...fence(it.output.join('\n')), '');
  for (const f of it.fixes) lines.push(`Troubleshooting ${fixWords(f.entryId, f.ok, MARKS)} at ${timestamp(f.at)}.`, '');
  if (it.locks?.attempts.length) lines.push('Lock guard:', '', ...it.locks.attempts.map((a) => `- ${cell(attemptText(a), 1000)}`), '');
  if (it.locks?.traces.length) lines.push('Locks traced (--trace-locks):', '', ...it.locks.traces.map((t) => `- ${cell(traceText(t), 1000)}`), '');
  if (it.findings.length) {
    lines.push('Findings (locks, rewrites, scans):', '');
    for (const f of it.findings) {
      const lock = findingLock({ lock: f.lock as Finding['lock'], relation: f.relation, rewrite: f.rewrite });
      const state = f.accepted ? `accepted ${f.severity} — ${cell(f.accepted.reason, 300)}` : f.severity;
      lines.push(`- ${code(f.rule)} (${state}), line ${f.line}${lock ? `, ${cell(lock)}` : ''}: ${cell(f.message, 300)}`);
    }
    lines.push('');
  }
  return lines;
}
