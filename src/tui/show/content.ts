// What `runbook show` says about each item, in full: the right-hand pane on
// the screen, and the whole text when piped (plainText). Pure: the runbook
// in, lines out; nothing here (or in anything it imports) opens a connection.
import { stepFindingLines } from '../../present/findings.js';
import { valueWords } from '../../present/value.js';
import { padColumns } from '../../present/width.js';
import { matchWords } from '../../present/troubleshoot.js';
import { describeCheck, describeExpectation } from '../../markdown/describe.js';
import type { Runbook } from '../../runbook/load.js';
import type { Action, Check, Procedure, Step, TroubleshootingEntry } from '../../runbook/schema.js';
import { blank, fit, lineText, plain, seg, wrapLine, type Line, type Tone } from '../line.js';
import { lines as splitLines, oneLine, wrap } from '../text.js';
import { shellLines, sqlLines } from '../views/code.js';
import { markdownLines } from '../views/detail.js';
import { displayPath, linkedEntries, showRows, type ShowItem } from './items.js';

export const RISK_TONE: Record<string, Tone> = { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' };

export function heading(text: string): Line {
  return [seg(text, { bold: true, tone: 'title', underline: true })];
}

function label(text: string): Line {
  return plain(text, { tone: 'muted', bold: true });
}

export function wrapped(text: string, width: number, style: Omit<Line[number], 'text'> = {}, indent = ''): Line[] {
  return wrap(text, Math.max(10, width - indent.length)).map((l) => [seg(indent), seg(l, style)]);
}

interface Runs {
  sql?: string;
  sql_file?: string;
  shell?: string;
  confirm?: string | boolean;
  connection?: string;
}

/** What an action runs: its SQL (highlighted), shell command, or the manual confirmation. */
function runsLines(rb: Runbook, a: Runs, width: number, what = 'Runs'): Line[] {
  const where = a.connection ? ` on connection “${a.connection}”` : '';
  const sql = a.sql ?? (a.sql_file !== undefined ? rb.sqlFiles.get(a.sql_file) : undefined);
  if (sql !== undefined) return [label(`${what} SQL${a.sql_file ? ` from ${a.sql_file}` : ''}${where}:`), ...sqlLines(sql, width)];
  if (a.sql_file !== undefined) return [label(`${what} SQL from ${a.sql_file}${where} (file not read)`)];
  if (a.shell !== undefined) return [label(`${what} a shell command${where}:`), ...shellLines(a.shell, width)];
  if (typeof a.confirm === 'string') return [label('Manual — the operator confirms:'), ...wrapped(a.confirm, width, { bold: true }, '  ')];
  return [];
}

/** What a check runs and what it expects, in words. */
function checkBody(rb: Runbook, c: Check, width: number): Line[] {
  const out: Line[] = [];
  if (c.speedup) {
    out.push(label('Baseline (the slower query):'), ...sqlLines(c.speedup.baseline, width), label('Candidate (must be faster):'), ...sqlLines(c.speedup.candidate, width));
  } else if (c.compare) {
    const side = (name: string, s: { connection?: string; sql: string }) => [label(`${name} (${s.connection ? `connection “${s.connection}”` : 'the target'}):`), ...sqlLines(s.sql, width)];
    out.push(...side('Left', c.compare.left), ...side('Right', c.compare.right));
  } else out.push(...runsLines(rb, c, width));
  const words = describeCheck(c);
  const expects = words || (c.confirm ? 'the operator confirms it' : 'it succeeds (no error)');
  out.push(...wrapLine([seg('Expects: ', { tone: 'accent', bold: true }), seg(expects)], width));
  if (c.timeout !== undefined) out.push(plain(`Timeout: ${c.timeout}`, { tone: 'muted' }));
  return out;
}

function checkLines(rb: Runbook, c: Check, width: number, n: number): Line[] {
  const out: Line[] = wrapLine([seg(`${n}. `, { tone: 'muted' }), seg(oneLine(c.title), { bold: true })], width);
  for (const l of checkBody(rb, c, width - 3)) out.push([seg('   '), ...l]);
  return out;
}

function rollbackLines(rb: Runbook, step: Step, width: number): Line[] {
  const r: Action | undefined = step.rollback;
  if (!r) return [plain(step.irreversible ? 'Rollback: none — this step cannot be undone.' : 'Rollback: none in the runbook.', { tone: step.irreversible ? 'bad' : 'muted', bold: step.irreversible })];
  const out: Line[] = [heading('Rollback')];
  const runs = runsLines(rb, r, width, 'Undo runs');
  out.push(...(runs.length ? runs : [plain('(no action given)', { tone: 'muted' })]));
  if (r.confirm && (r.sql !== undefined || r.sql_file !== undefined || r.shell !== undefined)) out.push(...wrapped(`Asks first: ${r.confirm}`, width, { tone: 'muted' }));
  return out;
}

/** The troubleshooting entries linked to a step: named by it, or matching its id. */

function troubleshootLines(rb: Runbook, entry: TroubleshootingEntry, width: number): Line[] {
  const out: Line[] = wrap(entry.title, width).map((l) => plain(l, { bold: true }));
  const matches = matchWords(entry);
  if (matches) out.push(...wrapped(`offered when it matches: ${matches}`, width, { tone: 'muted' }));
  if (entry.cause) out.push(label('Cause:'), ...markdown(entry.cause, width));
  const fix = entry.fix;
  const runs = fix ? runsLines(rb, fix, width, 'Fix runs') : [];
  if (fix?.explain || runs.length) {
    out.push(label('Fix:'));
    if (fix?.explain) out.push(...markdown(fix.explain, width));
    out.push(...runs);
    if (runs.length) out.push(plain(fix?.confirm === false ? 'During a run it runs as soon as it is chosen.' : 'During a run it asks before it runs.', { tone: 'muted' }));
  } else out.push(plain('No fix to run: this entry is advice.', { tone: 'muted' }));
  return out;
}

/**
 * Markdown as the run screen shows it, with one addition for reading: a
 * table (lines starting with "|") is kept verbatim rather than re-flowed.
 */
export function markdown(text: string, width: number): Line[] {
  const out: string[] = [];
  let table = false;
  for (const line of text.split('\n')) {
    const row = /^\s*\|/.test(line);
    if (row !== table) out.push('```');
    table = row;
    out.push(line);
  }
  if (table) out.push('```');
  return markdownLines(out.join('\n'), width);
}

function stepLines(rb: Runbook, item: Extract<ShowItem, { kind: 'step' }>, width: number): Line[] {
  const s = item.step;
  const out: Line[] = [];
  const meta: string[] = [item.procedure ? `procedure “${item.procedure.id}”, step ${item.index + 1}/${item.of}` : `step ${item.index + 1}/${item.of}`, `id ${s.id}`];
  if (s.timeout !== undefined) meta.push(`timeout ${s.timeout}`);
  if (s.lock_timeout !== undefined) meta.push(`lock timeout ${s.lock_timeout}`);
  if (s.sql !== undefined || s.sql_file !== undefined) meta.push(`transaction ${s.transaction}`);
  if (s.skippable) meta.push('may be skipped with a reason');
  out.push(...wrapped(meta.join(' · '), width, { tone: 'muted' }));
  const flags: Line = [];
  if (s.danger) flags.push(seg('DESTRUCTIVE — asks for the database name ', { tone: 'bad', bold: true }));
  if (s.irreversible) flags.push(seg('IRREVERSIBLE', { tone: 'bad', bold: true }));
  if (flags.length) out.push(...wrapLine(flags, width));
  out.push(blank);
  if (s.explain) out.push(...markdown(s.explain, width), blank);
  const runs = runsLines(rb, s, width);
  if (runs.length) out.push(...runs);
  const findings = (rb.findings ?? []).filter((f) => f.step === s.id && f.procedure === item.procedure?.id && f.part !== 'fix');
  if (findings.length) {
    // What the step does to the people using the database, as `runbook lint` says it (locks, rewrites, scans).
    out.push(blank, heading(`Findings (${findings.length}) — locks, rewrites, scans`));
    for (const f of findings) {
      const [head, ...rest] = stepFindingLines(f, '');
      out.push(...wrapped(head, width, { tone: f.accepted ? 'muted' : f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : undefined }));
      for (const line of rest) out.push(...wrapped(line, width, { tone: 'muted' }, '  '));
    }
  }
  if (s.cwd) out.push(plain(`in folder ${s.cwd}`, { tone: 'muted' }));
  if (s.env) for (const [k, v] of Object.entries(s.env)) out.push(...wrapped(`env ${k}=${v}`, width, { tone: 'muted' }));
  if (s.expected !== undefined) {
    out.push(blank, heading('Expected output'));
    for (const l of splitLines(s.expected.replace(/\n$/, ''))) out.push(...wrapLine([seg(l, { tone: 'muted' })], width));
  }
  if (s.expect) out.push(blank, ...wrapLine([seg('Its result must show: ', { tone: 'accent', bold: true }), seg(describeExpectation(s.expect))], width));
  if (s.verify.length) {
    out.push(blank, heading(`Checks (${s.verify.length}) — a failure blocks the run`));
    s.verify.forEach((c, i) => {
      if (i > 0) out.push(blank);
      out.push(...checkLines(rb, c, width, i + 1));
    });
  }
  out.push(blank, ...rollbackLines(rb, s, width));
  const linked = linkedEntries(rb, s);
  if (linked.length) {
    out.push(blank, heading(`Troubleshooting (${linked.length})`));
    linked.forEach((e, i) => {
      if (i > 0) out.push(blank);
      out.push(...troubleshootLines(rb, e, width));
    });
  }
  return out;
}

function overviewLines(rb: Runbook, width: number): Line[] {
  const out: Line[] = [];
  out.push([seg('risk ', { tone: 'muted' }), seg(rb.risk.toUpperCase(), { tone: RISK_TONE[rb.risk], bold: true }), seg(rb.estimate ? ` · estimate ${oneLine(rb.estimate)}` : '', { tone: 'muted' })]);
  out.push(...wrapped(`id ${rb.id} · ${displayPath(rb.file)}`, width, { tone: 'muted' }));
  if (rb.tags.length) out.push(...wrapped(`tags: ${rb.tags.join(', ')}`, width, { tone: 'muted' }));
  if (rb.requires.length) out.push(...wrapped(`needs: ${rb.requires.join(', ')}`, width, { tone: 'muted' }));
  if (rb.summary) out.push(blank, ...markdown(rb.summary, width));
  out.push(blank, heading('What it contains'));
  const steps = rb.procedures.reduce((n, p) => n + p.steps.length, 0);
  const counts: [number, string][] = [
    [rb.prerequisites.length, 'prerequisites'],
    [rb.steps.length, 'steps'],
    [rb.procedures.length, `procedures (${steps} steps)`],
    [rb.troubleshooting.length, 'troubleshooting entries'],
    [rb.checklist.length, 'checklist items'],
  ];
  for (const [n, what] of counts) out.push(plain(`  ${padColumns(String(n), 3, 'right')} ${what}`));
  const inputs = Object.entries(rb.inputs);
  if (inputs.length) {
    out.push(blank, heading('Inputs (asked for before a run)'));
    for (const [name, spec] of inputs) {
      const bits = [spec.type, spec.default !== undefined && !spec.secret ? `default ${valueWords(spec.default)}` : '', spec.required ? '' : 'optional', spec.secret ? 'secret' : ''].filter(Boolean);
      out.push([seg(`  ${name}`, { bold: true }), seg(` (${bits.join(', ')})`, { tone: 'muted' })]);
      if (spec.description) out.push(...wrapped(spec.description, width, {}, '    '));
      if (spec.choices) out.push(...wrapped(`one of: ${spec.choices.join(', ')}`, width, { tone: 'muted' }, '    '));
    }
  }
  const connections = Object.entries(rb.connections);
  if (connections.length) {
    out.push(blank, heading('Other connections'));
    for (const [name, c] of connections) out.push(...wrapped(`${name}: ${c.sqlite !== undefined ? `SQLite ${c.sqlite}` : `PostgreSQL ${c.postgres ?? ''}`}`, width, {}, '  '));
  }
  if (rb.sandbox) out.push(blank, ...wrapped(`Try it on a throwaway database: runbook run ${displayPath(rb.file)} --sandbox`, width, { tone: 'muted' }));
  out.push(blank, ...wrapped('This view only reads the runbook: nothing runs and no database is contacted. ↑↓ walks through every item.', width, { tone: 'muted' }));
  return out;
}

function procedureLines(rb: Runbook, p: Procedure, width: number): Line[] {
  const out: Line[] = [...wrapped(`procedure id ${p.id} · ${p.steps.length} step${p.steps.length === 1 ? '' : 's'} · runnable on its own`, width, { tone: 'muted' })];
  if (p.when) out.push(blank, heading('When to use it'), ...markdown(p.when, width));
  if (p.summary) out.push(blank, ...markdown(p.summary, width));
  out.push(blank, heading('Steps'));
  p.steps.forEach((s, i) => out.push(...wrapLine([seg(`${padColumns(String(i + 1), 3, 'right')}. `, { tone: 'muted' }), seg(oneLine(s.title))], width)));
  out.push(blank, label('Run it:'), ...wrapped(`runbook run ${displayPath(rb.file)} --procedure ${p.id}`, width, { tone: 'accent' }, '  '));
  return out;
}

/** The selected item in full, wrapped to `width`. */
export function itemLines(rb: Runbook, item: ShowItem, width: number): Line[] {
  const w = Math.max(20, width);
  const title = wrap(item.kind === 'overview' ? rb.title : item.title, w).map((l) => plain(l, { bold: true }));
  let body: Line[];
  switch (item.kind) {
    case 'overview':
      body = overviewLines(rb, w);
      break;
    case 'prerequisite': {
      const c = item.check;
      body = [...wrapped(`prerequisite ${item.index + 1}/${rb.prerequisites.length}${c.id ? ` · id ${c.id}` : ''} · checked before every run and procedure`, w, { tone: 'muted' }), blank, ...checkBody(rb, c, w)];
      break;
    }
    case 'step':
      body = stepLines(rb, item, w);
      break;
    case 'procedure':
      body = procedureLines(rb, item.procedure, w);
      break;
    case 'troubleshooting': {
      const from = [...rb.steps, ...rb.procedures.flatMap((p) => p.steps)].filter((s) => linkedEntries(rb, s).includes(item.entry)).map((s) => s.id);
      body = [
        ...wrapped(`troubleshooting · id ${item.entry.id}${from.length ? ` · linked from ${[...new Set(from)].join(', ')}` : ''}`, w, { tone: 'muted' }),
        blank,
        ...troubleshootLines(rb, item.entry, w).slice(wrap(item.entry.title, w).length),
      ];
      break;
    }
    case 'checklist':
      body = [
        ...wrapped(`checklist item ${item.index + 1}/${rb.checklist.length}${item.group ? ` · ${item.group}` : ''}`, w, { tone: 'muted' }),
        blank,
        ...wrapped('Ticked by hand after the last step of a full run; each answer is recorded in the run’s journal.', w, { tone: 'muted' }),
      ];
      break;
  }
  return [...title, ...body].map((l) => fit(l, w));
}

/** The whole runbook as plain text (for `runbook show FILE | less`, or a review in a ticket). */
export function plainText(rb: Runbook, width = 100): string[] {
  const out: string[] = [];
  for (const row of showRows(rb)) {
    if (row.type === 'heading') {
      out.push('', `== ${row.text} ==`);
      continue;
    }
    const indent = row.indent ? '    ' : '';
    out.push('');
    for (const l of itemLines(rb, row.item, width - indent.length)) out.push(`${indent}${lineText(l)}`.trimEnd());
  }
  return out.slice(1);
}
