// A run as Markdown, for a change ticket or a post-incident review: what ran,
// against what, by whom; every step with its statements and timings, every
// verdict with expected vs actual, every skip, fix and decision.
import type { Decision } from '../engine/state.js';
import { formatDuration, iso, type ItemReport, type RunReport } from '../journal/summary.js';

const MARK: Record<string, string> = { passed: '✅', failed: '❌', skipped: '⏭️', interrupted: '⚠️', running: '⚠️', pending: '⬜', rolled_back: '↩️' };

/** Text safe inside a table cell: one line, pipes escaped, bounded. */
function cell(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function fence(text: string, lang = ''): string[] {
  const ticks = text.includes('```') ? '~~~~' : '```';
  return [`${ticks}${lang}`, text, ticks];
}

export function markdownReport(r: RunReport): string {
  const title = r.kind === 'rollback' ? `Rollback of run ${r.rollbackOf}` : r.kind === 'procedure' ? `Procedure ${r.procedureId}` : 'Run';
  const lines: string[] = [`# ${r.runbook.title} — ${title} ${r.runId}`, ''];
  const duration = r.endedAt !== undefined ? formatDuration(r.endedAt - r.startedAt) : '—';
  lines.push(
    '| | |',
    '|---|---|',
    `| Outcome | **${r.outcome}**${r.reason ? ` — ${cell(r.reason)}` : ''} |`,
    `| Runbook | \`${r.runbook.id}\` (${cell(r.runbook.file)}, sha256 \`${r.runbook.sha256.slice(0, 12)}\`) |`,
    `| Target | ${cell(r.pinned ? `${r.pinned.host}:${r.pinned.port}/${r.pinned.database} as ${r.pinned.user} — PostgreSQL ${r.pinned.serverVersion}, ${r.pinned.isReplica ? 'replica' : 'primary'}` : r.target)} |`,
    `| Run by | ${r.sessions.map((s) => `${cell(s.operator)} (${s.action} ${iso(s.at)}, pid ${s.pid})`).join('<br>')} |`,
    `| Started | ${iso(r.startedAt)} |`,
    `| Ended | ${iso(r.endedAt)} (${duration}) |`,
    '',
  );
  const inputs = Object.entries(r.inputs);
  if (inputs.length) lines.push('## Inputs', '', ...inputs.map(([k, v]) => `- \`${k}\` = \`${v === null ? 'null' : String(v)}\``), '');
  if (r.tornTail) lines.push('> The runner was killed while writing its last journal line; that half line was set aside.', '');

  const counts = (s: string) => r.items.filter((i) => i.status === s).length;
  lines.push('## Summary', '', `${r.items.length} items: ${counts('passed')} passed, ${counts('failed')} failed, ${counts('skipped')} skipped, ${counts('interrupted') + counts('running')} interrupted, ${counts('rolled_back')} rolled back, ${counts('pending')} not reached.`, '');
  lines.push('| | Item | Status | Attempts | Time |', '|---|---|---|---|---|');
  for (const it of r.items) lines.push(`| ${MARK[it.status] ?? ''} | ${it.kind} \`${it.id}\`: ${cell(it.title)} | ${it.status} | ${it.attempts} | ${formatDuration(it.durationMs)} |`);
  lines.push('');

  for (const kind of ['prerequisite', 'step', 'checklist'] as const) {
    const group = r.items.filter((i) => i.kind === kind);
    if (!group.length) continue;
    lines.push(`## ${kind === 'prerequisite' ? 'Prerequisites' : kind === 'step' ? 'Steps' : 'Checklist'}`, '');
    group.forEach((it, i) => lines.push(...itemSection(it, i + 1, group.length)));
  }
  if (r.decisions.length) {
    lines.push('## Decisions', '');
    for (const d of r.decisions) lines.push(`- ${iso(d.at)} — ${describeDecision(d, r)}`);
    lines.push('');
  }
  if (r.rollbackPlan) {
    lines.push('## Rollback plan', '', 'Shown before the first step that changes data: what undoing this run runs, newest first, for the steps that completed.', '');
    r.rollbackPlan.forEach((p, i) => lines.push(`${i + 1}. ${p.title} (\`${p.id}\`) — ${cell(p.undo, 300)}`));
    lines.push('');
  }
  if (r.notes.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${iso(n.at)} — ${n.text}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function itemSection(it: ItemReport, n: number, total: number): string[] {
  const lines = [`### ${MARK[it.status] ?? ''} ${n}/${total} ${it.title} (\`${it.id}\`)`, ''];
  lines.push(`Status: **${it.status}** · attempts: ${it.attempts} · time: ${formatDuration(it.durationMs)}`, '');
  if (it.skipReason) lines.push(`Skipped, reason given: _${cell(it.skipReason, 500)}_`, '');
  for (const note of it.notes) lines.push(`> ${cell(note, 500)}`, '');
  if (it.shell !== undefined) lines.push('Command:', '', ...fence(it.shell, 'sh'), '');
  if (it.statements.length) {
    lines.push('| Attempt | # | Statement | Result | Time |', '|---|---|---|---|---|');
    for (const s of it.statements) {
      const count = s.rowCount === null || s.rowCount === undefined || (s.command ?? '').endsWith(` ${s.rowCount}`) ? '' : ` (${s.rowCount} row${s.rowCount === 1 ? '' : 's'})`;
      const result = s.outcome === 'ok' ? `${s.command ?? ''}${count}` : s.outcome === 'failed' ? '**failed**' : '**did not finish**';
      lines.push(`| ${s.attempt} | ${s.index + 1} | \`${cell(s.text, 300).replace(/`/g, "'")}\` | ${cell(result)} | ${formatDuration(s.durationMs)} |`);
    }
    lines.push('');
  }
  if (it.verdicts.length) {
    lines.push('| | Check | Expected | Actual |', '|---|---|---|---|');
    for (const v of it.verdicts) lines.push(`| ${v.ok ? '✓' : '✗'} | ${cell(v.label)} | ${cell(v.expected)} | ${cell(v.actual)} |`);
    lines.push('');
  }
  if (it.error && it.status !== 'passed') {
    const e = it.error;
    lines.push(`Error (${e.kind}${e.sqlstate ? ` ${e.sqlstate}` : ''}${e.line ? `, line ${e.line}${e.column ? `:${e.column}` : ''}` : ''}): ${cell(e.message, 500)}`, '');
    if (e.detail) lines.push(`Detail: ${cell(e.detail, 500)}`, '');
    if (e.hint) lines.push(`Hint: ${cell(e.hint, 500)}`, '');
  }
  if (it.notices.length) lines.push('Notices:', '', ...it.notices.map((x) => `- ${cell(x, 500)}`), '');
  if (it.output.length) lines.push('Output:', '', ...fence(it.output.join('\n')), '');
  for (const f of it.fixes) lines.push(`Troubleshooting fix \`${f.entryId}\` ${f.ok ? 'ran' : 'failed'} at ${iso(f.at)}.`, '');
  return lines;
}

function describeDecision(d: Decision, r: RunReport): string {
  const title = r.items.find((i) => i.key === d.key)?.title ?? d.key;
  switch (d.type) {
    case 'confirmed':
      return `confirmed “${cell(d.text, 300)}” (${title})`;
    case 'danger_confirmed':
      return `typed the database name \`${d.database}\` to allow ${title}`;
    case 'skipped':
      return `skipped ${title}: ${cell(d.reason, 300)}`;
    case 'retried':
      return `retried ${title}`;
    case 'fix_run':
      return `ran troubleshooting fix \`${d.entryId}\` for ${title} (${d.ok ? 'ok' : 'failed'})`;
    case 'checked':
      return `ticked ${title}`;
  }
}
