// A run as JUnit XML, so a CI system shows each prerequisite, step and
// checklist item as a test: a failed verification is a failed test (with
// expected vs actual), an error or an interruption is an error, a skip or an
// item never reached is skipped.
import { formatDuration, type ItemReport, type RunReport } from '../journal/summary.js';
import { attemptText, traceText } from './lock-words.js';
import { printable } from '../present/escape.js';

/** Escapes text for XML: control characters shown escaped (`\u001b`), then the markup characters. */
export function xml(text: string): string {
  return printable(text)
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

type Verdict = 'passed' | 'failure' | 'error' | 'skipped';

function verdictOf(it: ItemReport): Verdict {
  if (it.status === 'passed' || it.status === 'rolled_back') return 'passed';
  if (it.status === 'skipped' || it.status === 'pending') return 'skipped';
  if (it.status === 'failed' && it.verdicts.some((v) => !v.ok)) return 'failure';
  return 'error';
}

function testcase(r: RunReport, it: ItemReport): string[] {
  const name = `${it.title} [${it.id}]`;
  const open = `    <testcase classname="${xml(`${r.runbook.id}.${it.kind}`)}" name="${xml(name)}" time="${seconds(it.durationMs)}"`;
  const body: string[] = [];
  const v = verdictOf(it);
  if (v === 'failure') {
    const failed = it.verdicts.filter((x) => !x.ok);
    const first = failed[0];
    const details = failed.map((x) => `${x.label}\n  expected: ${x.expected}\n  actual:   ${x.actual}`).join('\n');
    body.push(`      <failure message="${xml(`${first.label}: expected ${first.expected}, actual ${first.actual}`)}" type="verification">${xml(details)}</failure>`);
  } else if (v === 'error') {
    const e = it.error;
    const message = e?.message ?? (it.status === 'running' ? 'the run stopped while this was in flight' : `ended ${it.status}`);
    const type = it.status === 'interrupted' || it.status === 'running' ? 'interrupted' : (e?.kind ?? 'error');
    const details = [e?.sqlstate ? `SQLSTATE ${e.sqlstate}` : '', e?.detail ? `detail: ${e.detail}` : '', e?.hint ? `hint: ${e.hint}` : '', e?.statement ? `statement: ${e.statement}` : ''].filter(Boolean).join('\n');
    body.push(`      <error message="${xml(message)}" type="${xml(type)}">${xml(details)}</error>`);
  } else if (v === 'skipped') {
    body.push(`      <skipped message="${xml(it.status === 'pending' ? 'not reached' : `skipped: ${it.skipReason ?? ''}`)}"/>`);
  }
  const out: string[] = [];
  if (it.status === 'rolled_back') out.push('rolled back afterwards');
  out.push(...it.notes.map((n) => `note: ${n}`));
  for (const s of it.statements) out.push(`[attempt ${s.attempt}] ${s.text.replace(/\s+/g, ' ').trim()} -> ${s.outcome === 'ok' ? `${s.command ?? ''} (${formatDuration(s.durationMs)})` : s.outcome}`);
  if (it.shell !== undefined) out.push(`$ ${it.shell}`, ...it.output);
  out.push(...it.verdicts.filter((x) => x.ok).map((x) => `ok: ${x.label} (expected ${x.expected}, actual ${x.actual})`));
  out.push(...it.notices, ...it.fixes.map((f) => `fix ${f.entryId}: ${f.ok ? 'ran' : 'failed'}`));
  out.push(...(it.locks?.attempts ?? []).map(attemptText), ...(it.locks?.traces ?? []).map(traceText));
  if (out.length) body.push(`      <system-out>${xml(out.join('\n'))}</system-out>`);
  return body.length ? [`${open}>`, ...body, '    </testcase>'] : [`${open}/>`];
}

export function junitReport(r: RunReport): string {
  const groups = (['prerequisite', 'step', 'checklist'] as const).map((kind) => ({ kind, items: r.items.filter((i) => i.kind === kind) })).filter((g) => g.items.length);
  const count = (items: ItemReport[], v: Verdict) => items.filter((i) => verdictOf(i) === v).length;
  const time = (items: ItemReport[]) => seconds(items.reduce((s, i) => s + (i.durationMs ?? 0), 0));
  const stamp = new Date(r.startedAt).toISOString().replace(/\.\d+Z$/, '');
  const all = r.items;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`runbook ${r.runbook.id} run ${r.runId}`)}" tests="${all.length}" failures="${count(all, 'failure')}" errors="${count(all, 'error')}" skipped="${count(all, 'skipped')}" time="${time(all)}">`,
  ];
  for (const g of groups) {
    const suite = `${r.runbook.id}.${g.kind === 'prerequisite' ? 'prerequisites' : g.kind === 'step' ? (r.kind === 'rollback' ? 'rollback' : 'steps') : 'checklist'}`;
    lines.push(
      `  <testsuite name="${xml(suite)}" tests="${g.items.length}" failures="${count(g.items, 'failure')}" errors="${count(g.items, 'error')}" skipped="${count(g.items, 'skipped')}" time="${time(g.items)}" timestamp="${stamp}">`,
      '    <properties>',
      ...[
        ['run', r.runId],
        ['runbook', `${r.runbook.id} (${r.runbook.file})`],
        ['target', r.target],
        ['operator', r.sessions.map((s) => s.operator).join(', ')],
        ['outcome', r.outcome],
      ].map(([k, v]) => `      <property name="${xml(k)}" value="${xml(v)}"/>`),
      '    </properties>',
      ...g.items.flatMap((it) => testcase(r, it)),
      '  </testsuite>',
    );
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
