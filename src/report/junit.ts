// A run as JUnit XML, so a CI system shows each prerequisite, step and
// checklist item as a test: a failed verification is a failed test (with
// expected vs actual), an error or an interruption is an error, a skip or an
// item never reached is skipped.
import type { ItemReport, RunReport } from '../journal/summary.js';
import { decisionWords, fixWords } from '../present/decision.js';
import { duration } from '../present/duration.js';
import { errorBlock } from '../present/error.js';
import { commandTag } from '../present/output.js';
import { verdictSentence, verdictText } from '../present/verdict.js';
import { oneLine } from '../present/words.js';
import { attemptText, traceText } from '../present/locks.js';
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
    const details = failed.flatMap((x) => verdictText(x, '')).join('\n');
    body.push(`      <failure message="${xml(verdictSentence(first))}" type="verification">${xml(details)}</failure>`);
  } else if (v === 'error') {
    const e = it.error;
    const b = e ? errorBlock(e) : undefined;
    const message = b ? `${b.title}: ${b.message}` : it.status === 'running' ? 'the run stopped while this was in flight' : `ended ${it.status}`;
    const type = it.status === 'interrupted' || it.status === 'running' ? 'interrupted' : (e?.kind ?? 'error');
    const details = b ? [...b.caret, ...b.details.map((d) => `${d.label}: ${d.text}`), ...(e?.statement ? [`statement: ${e.statement}`] : [])].join('\n') : '';
    body.push(`      <error message="${xml(message)}" type="${xml(type)}">${xml(details)}</error>`);
  } else if (v === 'skipped') {
    body.push(`      <skipped message="${xml(it.status === 'pending' ? 'not reached' : `skipped: ${it.skipReason ?? ''}`)}"/>`);
  }
  const out: string[] = [];
  if (it.status === 'rolled_back') out.push('rolled back afterwards');
  out.push(...it.notes.map((n) => `note: ${n}`));
  for (const s of it.statements) out.push(`[attempt ${s.attempt}] ${oneLine(s.text)} -> ${s.outcome === 'ok' ? `${commandTag(s.command ?? '', s.rowCount ?? null)} (${duration(s.durationMs)})` : s.outcome}`);
  if (it.shell !== undefined) out.push(`$ ${it.shell}`, ...it.output);
  out.push(...it.verdicts.filter((x) => x.ok).map((x) => `ok: ${verdictSentence(x)}`));
  out.push(...it.notices, ...it.fixes.map((f) => fixWords(f.entryId, f.ok)));
  out.push(...r.decisions.filter((d) => d.key === it.key && (d.type === 'confirmed' || d.type === 'danger_confirmed')).map((d) => decisionWords(d)));
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
        ['decided by flags', r.sessions.flatMap((s) => s.flags).join(' ') || 'none'],
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
